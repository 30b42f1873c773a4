"""scarlet2 Sérsic fits of simulated ground blends at the TRUE positions, next to our Gaussian-mixture fitter and sep, in one run.

Usage: OMP_NUM_THREADS=2 nice -n 10 python benchmarks/bench_scarlet2.py [--n 50] [--seed 0] [--steps 300] [--standard 3]
Needs the optional extra (`pip install ganblend[scarlet2]`, which pulls JAX); without it prints one line and exits 0.

Blends: `ganblend.blends.simulate_blends` (bulge+disk+knots, HSC-i 23x23 stamps, 0.61" Kolmogorov PSF, HSC-i noise).
Every method is given the true positions. Reported: median |Δflux|/flux, median Δflux/flux, 68% half-width, on all
components and on the target subset (separation >= 0.5", flux ratio <= 4), and the time per blend.
scarlet2: each galaxy is a `SersicMorphology` (free size and ellipticity; Sérsic index fixed, default 1, or free) times a flux, in a model
frame with a narrow Gaussian PSF, rendered to the observation with scarlet2's own PSF-matching renderer, the centre
fixed at the truth. Two ways of running the same model:
  * `Scene.fit` (scarlet2's documented optimiser: Adam, `max_iter` steps) on `--standard` blends: `_make_step` is
    `eqx.filter_jit`-ed, but its static arguments (the `Parameter` objects, the optax chain built inside `fit`) are
    new objects on every call, so JAX retraces and recompiles for every blend;
  * jit once: the same scene, observation and log-likelihood (`Observation.log_likelihood(scene())`), with the
    parameter arrays swapped in by `equinox.tree_at` and Adam (optax) run in a `lax.scan`, compiled once for the
    stamp shape and `jax.vmap`-ed over all blends.
Flux of a scarlet2 source: the sum of its unconvolved model over a 45x45 box (the Sérsic profile out to ~±3.8").
"""
import argparse, importlib.util, os, sys, time
import numpy as np

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n', type=int, default=50, help='blends')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--steps', type=int, default=300, help='Adam steps of the jit-once scarlet2 fit')
    p.add_argument('--standard', type=int, default=3, help='blends also fitted with Scene.fit (recompiles every time)')
    p.add_argument('--sersic-n', type=float, default=1.0, help='fixed Sérsic index (1: exponential); 0: free in [0.5, 6]')
    a = p.parse_args()
    if importlib.util.find_spec('scarlet2') is None:
        print('scarlet2 not installed: skipped'); return 0
    import jax, jax.numpy as jnp, equinox as eqx, optax
    jax.config.update('jax_enable_x64', True)
    import scarlet2 as s2
    from numpyro.distributions import constraints
    import torch
    from ganblend.blends import simulate_blends
    from ganblend.core import get_survey
    from ganblend.simulate import psf_image
    from ganblend.analysis import flux_stats
    from ganblend.photometry import fit_fluxes, fit_psf_gmm, sep_photometry
    torch.set_num_threads(int(os.environ.get('OMP_NUM_THREADS', 2)))
    s2.set_validation(False)

    sg = get_survey('hsc-i')
    bs = simulate_blends(a.n, seed=a.seed, progress=False)
    G = bs.noisy_ground(np.random.default_rng(a.seed + 1))[:, 0].astype(np.float64)
    t = bs.truth; N, H, W = G.shape
    xy = np.stack([np.column_stack([np.asarray(t[f'x{j}'], float), np.asarray(t[f'y{j}'], float)]) for j in (1, 2)], 1)
    ftrue = np.column_stack([np.asarray(t['flux1_hsc-i'], float), np.asarray(t['flux2_hsc-i'], float)])
    fr = np.asarray(t['flux_ratio'], float); fr = np.where(fr < 1, 1/fr, fr)
    target = (np.asarray(t['separation'], float) >= 0.5) & (fr <= 4)
    sig = sg.noise_sigma; psf_img = psf_image('hsc-i', 25).astype(np.float64)
    rows = []
    def report(name, f, secs):
        s, st = flux_stats(f.ravel(), ftrue.ravel()), flux_stats(f[target].ravel(), ftrue[target].ravel())
        rows.append((name, s['median_abs'], st['median_abs'], st['median'], st['width68'], secs))

    # ours and sep, same blends, same positions
    psf = fit_psf_gmm(psf_img)
    fit_fluxes(G[:8], xy[:8], psf, sig)  # warm-up
    t0 = time.perf_counter(); r = fit_fluxes(G, xy, psf, sig); dt = time.perf_counter() - t0
    report('GMM exp, refined (ganblend)', np.asarray(r['flux']).reshape(N, 2), dt/N)
    t0 = time.perf_counter(); r = fit_fluxes(G, xy, psf, sig, fit_positions=False); dt = time.perf_counter() - t0
    report('GMM exp, refined, positions fixed', np.asarray(r['flux']).reshape(N, 2), dt/N)
    t0 = time.perf_counter(); r = sep_photometry(G, xy, sig, psf.fwhm, 'auto'); dt = time.perf_counter() - t0
    report('sep auto (Kron)', np.asarray(r['flux']).reshape(N, 2), dt/N)

    # scarlet2: one template scene with the stamp's shape; centres (y, x) fixed at the truth
    BOX = 45
    n0 = a.sersic_n if a.sersic_n > 0 else 1.5
    unit = float(s2.SersicMorphology(jnp.array(n0), jnp.array(2.0), ellipticity=jnp.zeros(2), shape=(BOX, BOX))().sum())
    flux0 = np.maximum(G.reshape(N, -1).sum(1)/2, 10*sig)  # start: half the stamp's flux each; spectrum = flux/morphology sum
    model_frame = s2.Frame(s2.Box((1, H, W)), psf=s2.GaussianPSF(0.7))
    def make(i):
        obs = s2.Observation(G[i][None], np.full((1, H, W), 1/sig**2), psf=s2.ArrayPSF(psf_img[None]))
        with s2.Scene(model_frame) as scene:
            for j in range(2):
                s2.Source(jnp.array(xy[i, j, ::-1]), jnp.array([flux0[i]/unit]),
                          s2.SersicMorphology(jnp.array(a.sersic_n if a.sersic_n > 0 else 1.5), jnp.array(2.0), ellipticity=jnp.zeros(2), shape=(BOX, BOX)))
        obs.match(model_frame)
        return scene, obs
    def norm_flux(scene):  # total flux of each source = spectrum * sum of its unconvolved morphology
        return np.array([float(src().sum()) for src in scene.sources])

    # (1) scarlet2's own optimiser, recompiling on each blend
    n_std = min(a.standard, N); f_std = np.full((N, 2), np.nan); t0 = time.perf_counter()
    for i in range(n_std):
        scene, obs = make(i)
        with s2.Parameters(scene):
            for j, src in enumerate(scene.sources):
                s2.Parameter(src.spectrum, name=f'spectrum:{j}', constraint=constraints.positive, stepsize=s2.relative_step)
                s2.Parameter(src.morphology.size, name=f'size:{j}', constraint=constraints.interval(0.2, 15.), stepsize=0.05)
                if a.sersic_n <= 0:
                    s2.Parameter(src.morphology.n, name=f'n:{j}', constraint=constraints.interval(0.5, 6.), stepsize=0.05)
                s2.Parameter(src.morphology.ellipticity, name=f'e:{j}', constraint=constraints.interval(-0.8, 0.8), stepsize=0.01)
        f_std[i] = norm_flux(scene.fit(obs, max_iter=a.steps, e_rel=1e-5, progress_bar=False))
    t_std = (time.perf_counter() - t0)/max(n_std, 1)

    # (2) jit once, vmap over blends: same model and likelihood, parameters swapped in with equinox.tree_at
    scene0, obs0 = make(0)
    where = lambda s: [x for src in s.sources for x in (src.spectrum, src.morphology.size, src.morphology.n, src.morphology.ellipticity)]
    def unpack(q):  # unconstrained -> model parameters, per source: log flux, log size, Sérsic n, ellipticity
        out = []
        for j in range(2):
            out += [jnp.exp(q['lf'][j])[None], 0.2 + jnp.exp(q['ls'][j]), (0.5 + 5.5*jax.nn.sigmoid(q['n'][j])) if a.sersic_n <= 0 else jnp.asarray(a.sersic_n), 0.8*jnp.tanh(q['e'][j])]
        return out
    def loss(q, data):
        sc = eqx.tree_at(where, scene0, unpack(q))
        ob = eqx.tree_at(lambda o: o.data, obs0, data[None])
        return -ob.log_likelihood(sc())
    opt = optax.adam(0.05)
    def fit_one(q0, data):
        def step(carry, _):
            q, st = carry
            g = jax.grad(loss)(q, data)
            up, st = opt.update(g, st, q)
            return (optax.apply_updates(q, up), st), None
        (q, _), _ = jax.lax.scan(step, (q0, opt.init(q0)), None, length=a.steps)
        return q
    fit_all = jax.jit(jax.vmap(fit_one))
    q0 = dict(lf=jnp.log(jnp.repeat(jnp.asarray(flux0/unit)[:, None], 2, 1)), ls=jnp.full((N, 2), np.log(1.8)),
              n=jnp.zeros((N, 2)), e=jnp.zeros((N, 2, 2)))
    t0 = time.perf_counter(); q = jax.block_until_ready(fit_all(q0, jnp.asarray(G))); t_first = time.perf_counter() - t0
    t0 = time.perf_counter(); q = jax.block_until_ready(fit_all(q0, jnp.asarray(G))); t_jit = time.perf_counter() - t0
    f_jit = np.zeros((N, 2))
    for i in range(N):
        sc = eqx.tree_at(where, scene0, unpack(jax.tree_util.tree_map(lambda v: v[i], q)))
        f_jit[i] = norm_flux(sc)
    report(f"scarlet2 Sérsic n={'free' if a.sersic_n <= 0 else a.sersic_n:g}, jit once + vmap", f_jit, t_jit/N)
    if n_std:
        ok = np.arange(n_std)
        s = flux_stats(f_std[ok].ravel(), ftrue[ok].ravel())
        sj = flux_stats(f_jit[ok].ravel(), ftrue[ok].ravel())

    print(f"{N} blends (seed {a.seed}), {int(target.sum())} in the target subset (sep >= 0.5\", flux ratio <= 4); "
          f"torch threads {torch.get_num_threads()}, jax {jax.__version__}, scarlet2 {s2.__version__}, load {os.getloadavg()[0]:.1f}")
    print(f"{'method (true positions)':<52}{'med|d| all':>11}{'med|d| tgt':>11}{'median tgt':>11}{'w68 tgt':>9}{'s/blend':>10}")
    for name, m_all, m_t, med, w, secs in rows:
        print(f"{name:<52}{m_all:>11.3f}{m_t:>11.3f}{med:>+11.3f}{w:>9.3f}{secs:>10.4f}")
    print(f"scarlet2 jit once: first call (trace + compile + fit) {t_first:.1f} s, then {t_jit/N*1e3:.1f} ms per blend")
    if n_std:
        print(f"scarlet2 Scene.fit ({a.steps} steps max, recompiling): {t_std:.1f} s per blend over {n_std} blends; "
              f"med|d| {s['median_abs']:.3f} there vs {sj['median_abs']:.3f} for the jit-once fit of the same blends")
    return 0

if __name__ == '__main__': sys.exit(main())
