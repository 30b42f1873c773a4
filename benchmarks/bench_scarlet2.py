"""scarlet2 Sérsic fits of two blend populations at the true positions, next to our Gaussian-mixture fitter and sep.

All methods and both populations (the training simulator's blends and the independent test population) in one run.

Usage: OMP_NUM_THREADS=2 nice -n 10 python benchmarks/bench_scarlet2.py [--n 50] [--seed 0] [--steps 300]
       [--standard 3] [--sersic-n 0 1] [--repeats 3] [--population train testsky] [--regime bright]
       [--testsky-size 31]
Needs the optional extra (`pip install ganblend[scarlet2]`, which pulls JAX); without it prints one line and exits 0.

Populations (`--population`, default both; the same `--n` and `--seed` for each):
  * train: `ganblend.blends.simulate_blends`, the training simulator (bulge+disk+knots, F775W 20-25.5, separations
    0-1.5", flux ratios up to 20; HSC-i 23x23 stamps, 0.61" Kolmogorov PSF, HSC-i noise);
  * testsky: `ganblend.testsky.simulate_testsky(blend=True, seeing=0.6, sep_range=(0.5, 2.0), max_flux_ratio=4)`, the
    independent test population (Sérsic n 0.5-6, knotty and irregular galaxies; `--regime` bright: i = 18-22,
    half-light radii up to ~1", or faint: 22-26), on odd `--testsky-size` stamps (default 31x31: sources up to 1" from
    the centre and their wings; scarlet2's array PSF wants an odd, centred PSF image, here the set's own 31x31 one).
Every method is given the true positions. Printed, per population: the median |Δflux|/flux on all components and on
the target subset (separation >= 0.5", flux ratio <= 4; all testsky blends are in it), the median Δflux/flux and the
68% half-width on the target subset, the number of non-finite fluxes, and the time per blend of each method, all
measured in this run: wall-clock and CPU seconds (all threads of the process), each the shortest of `--repeats`
runs on the same stamps after a warm-up or the compilation (on a shared machine the CPU time is the steadier).
Methods:
  * ours: `photometry.fit_fluxes` with profile 'exp' and 'sersic' (Sérsic index fitted, the package CLIs' default),
    refined with the positions free within their 0.5-pixel prior (the package default) and fixed at the truth;
  * sep: Kron (`photometry.sep_photometry(kind='auto')`) at the true positions;
  * scarlet2, for each `--sersic-n` (0: free index in [0.5, 6], started at 1.5; > 0: fixed; default both free and n=1):
    each galaxy is a `SersicMorphology` (free size and ellipticity) times a flux, in a model frame with a narrow
    Gaussian PSF, rendered to the observation with scarlet2's own PSF-matching renderer, the centre fixed at the truth;
    the start: size 2 pixels, round, the stamp's flux shared in proportion to the pixel values at the true positions.
    Two ways of running the same model:
      - jit once: one template scene, observation and log-likelihood (`Observation.log_likelihood(scene())`), with each
        blend's data, true centres and the parameter arrays swapped in by `equinox.tree_at` and Adam (optax, lr 0.05,
        `--steps` steps) run in a `lax.scan`, compiled once per population and index setting (ahead of time, its time
        printed apart) and `jax.vmap`-ed over all blends: the table's rows. A source's model box is
        (2 x stamp side + 1)² pixels, so that a swapped-in centre, which only moves the profile inside the box,
        leaves the whole stamp covered;
      - `Scene.fit` (scarlet2's documented optimiser: Adam, at most `--steps` steps) on the first `--standard` blends,
        for the first `--sersic-n` only: `_make_step` is `eqx.filter_jit`-ed, but its static arguments (the
        `Parameter` objects, the optax chain built inside `fit`) are new objects on every call, so JAX retraces and
        recompiles for every blend; printed below the table next to the jit-once fit of the same blends.
    Flux of a scarlet2 source: its fitted profile (as scarlet2 samples it, at pixel centres) summed over a 301x301 box,
    the total flux as the truth and our fitter define it (the model box misses the wings of large or high-n galaxies).
"""
import argparse
import importlib.util
import os
import sys
import time

import numpy as np

POPULATIONS = ('train', 'testsky')
FLUX_BOX = 301    # side (pixels) of the box over which a fitted scarlet2 profile is summed for its total flux
N_FREE0 = 1.5     # initial Sérsic index of the free-index scarlet2 fit
N_RANGE = (0.5, 6.0)
E_MAX = 0.56      # Scene.fit: bound of each ellipticity component, so that |e| <= 0.8 < 1


def load_population(name, a):
    "A dict: stamps (N, H, W) float64, true x, y (N, 2, 2), true fluxes (N, 2), target mask (N,), sky σ, PSF image."
    if name == 'train':
        from ganblend.blends import simulate_blends
        from ganblend.core import get_survey
        from ganblend.simulate import psf_image
        bs = simulate_blends(a.n, seed=a.seed, progress=False)
        t = bs.truth
        xy = np.stack([np.column_stack([np.asarray(t[f'x{j}'], float), np.asarray(t[f'y{j}'], float)])
                       for j in (1, 2)], 1)
        fr = np.asarray(t['flux_ratio'], float)
        return dict(images=bs.noisy_ground(np.random.default_rng(a.seed + 1))[:, 0].astype(np.float64), xy=xy,
                    flux=np.column_stack([np.asarray(t['flux1_hsc-i'], float), np.asarray(t['flux2_hsc-i'], float)]),
                    sep=np.asarray(t['separation'], float), ratio=np.where(fr < 1, 1/fr, fr),
                    sigma=float(get_survey('hsc-i').noise_sigma), psf=psf_image('hsc-i', 25).astype(np.float64),
                    label='train (simulate_blends, HSC-i, 23x23)')
    from ganblend.testsky import simulate_testsky
    ts = simulate_testsky(a.n, seed=a.seed, seeing=0.6, regime=a.regime, blend=True, sep_range=(0.5, 2.0),
                          max_flux_ratio=4.0, size=a.testsky_size)
    t = ts.truth
    n = len(ts)
    fr = np.asarray(t['flux_ratio'], float).reshape(n, 2)[:, 0]
    size = ts.images.shape[-1]
    xy = np.column_stack([np.asarray(t['x'], float), np.asarray(t['y'], float)]).reshape(n, 2, 2)
    return dict(images=ts.images.astype(np.float64), xy=xy, flux=np.asarray(t['flux'], float).reshape(n, 2),
                sep=np.asarray(t['separation'], float).reshape(n, 2)[:, 0], ratio=np.where(fr < 1, 1/fr, fr),
                sigma=float(ts.noise), psf=ts.psf.astype(np.float64),
                label=f'testsky (simulate_testsky, {a.regime}, 0.6" seeing, HSC-i, {size}x{size})')


def timed(fn, repeats):
    "fn()'s result and its shortest wall-clock and CPU times (s, all threads) over `repeats` calls."
    wall = cpu = np.inf
    for _ in range(max(repeats, 1)):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall, cpu = min(wall, time.perf_counter() - t0), min(cpu, time.process_time() - c0)
    return out, np.array([wall, cpu])


def fit_ours_and_sep(P, report, repeats):
    "Our Gaussian-mixture fitter (exp and Sérsic, positions free within the prior and fixed) and sep, timed."
    from ganblend.photometry import fit_fluxes, fit_psf_gmm, sep_photometry
    G, xy, sig = P['images'], P['xy'], P['sigma']
    N = len(G)
    psf = fit_psf_gmm(P['psf'])
    for profile, label in (('exp', 'exp'), ('sersic', 'Sérsic, index fitted')):
        fit_fluxes(G, xy, psf, sig, profile=profile)  # warm-up on the same stamps: one-time costs not timed
        for fixed in (False, True):
            r, dt = timed(lambda: fit_fluxes(G, xy, psf, sig, profile=profile, fit_positions=not fixed), repeats)
            where = 'positions fixed' if fixed else 'positions refined'
            report(f'ours GMM {label}, {where}', np.asarray(r['flux'], float).reshape(N, 2), dt/N)
    r, dt = timed(lambda: sep_photometry(G, xy, sig, psf.fwhm, 'auto'), repeats)
    report('sep auto (Kron)', np.asarray(r['flux'], float).reshape(N, 2), dt/N)


def fit_scarlet2(P, n_fix, steps, n_standard, repeats):
    """scarlet2 Sérsic fits at the true positions (`n_fix` 0: free index). Returns the jit-once fluxes (N, 2), its
    trace + compile time and fit times (wall, CPU s; all blends), and the `Scene.fit` fluxes (N, 2; NaN beyond
    `n_standard`) and wall time per blend."""
    import jax
    import jax.numpy as jnp
    import equinox as eqx
    import optax
    import scarlet2 as s2
    from numpyro.distributions import constraints
    G, xy, sig, psf_img = P['images'], P['xy'], P['sigma'], P['psf']
    N, H, W = G.shape
    free = n_fix <= 0
    n0 = N_FREE0 if free else float(n_fix)
    lo, hi = N_RANGE

    def sersic(n, size, e, shape):
        return s2.SersicMorphology(jnp.asarray(n), jnp.asarray(size), ellipticity=e, shape=shape)

    box = (2*max(H, W) + 1,)*2  # a source's model box: covers the whole frame wherever in it the source is
    unit = float(sersic(n0, 2.0, jnp.zeros(2), box)().sum())
    # start: the stamp's flux shared in proportion to the pixel values at the two true positions
    ij = np.clip(np.rint(xy[..., ::-1]).astype(int), 0, [H - 1, W - 1])
    peak = np.maximum(G[np.arange(N)[:, None], ij[..., 0], ij[..., 1]], sig)
    flux0 = np.maximum(G.reshape(N, -1).sum(1), 20*sig)[:, None]*peak/peak.sum(1, keepdims=True)
    model_frame = s2.Frame(s2.Box((1, H, W)), psf=s2.GaussianPSF(0.7))

    def make(i, centres=None):  # scene and observation of blend i, its sources at `centres` (y, x) or the truth
        obs = s2.Observation(G[i][None], np.full((1, H, W), 1/sig**2), psf=s2.ArrayPSF(psf_img[None]))
        cen = xy[i, :, ::-1] if centres is None else centres
        with s2.Scene(model_frame) as scene:
            for j in range(2):
                s2.Source(jnp.array(cen[j], float), jnp.array([flux0[i, j]/unit]), sersic(n0, 2.0, jnp.zeros(2), box))
        obs.match(model_frame)
        return scene, obs

    def total_flux(scene):  # spectrum x the fitted profile summed over FLUX_BOX (same sub-pixel centring)
        out = []
        for src in scene.sources:
            m = src.morphology
            dc = jnp.array([src.center[-2] - src.bbox.center[-2], src.center[-1] - src.bbox.center[-1]])
            prof = sersic(m.n, m.size, m.ellipticity, (FLUX_BOX, FLUX_BOX))(delta_center=dc)
            out.append(float(jnp.asarray(src.spectrum).sum()*prof.sum()))
        return np.array(out)

    # (1) scarlet2's own optimiser, recompiling on each blend
    n_std = min(n_standard, N)
    f_std = np.full((N, 2), np.nan)
    t0 = time.perf_counter()
    for i in range(n_std):
        scene, obs = make(i)
        with s2.Parameters(scene):
            for j, src in enumerate(scene.sources):
                m = src.morphology
                s2.Parameter(src.spectrum, name=f'spectrum:{j}', constraint=constraints.positive,
                             stepsize=s2.relative_step)
                s2.Parameter(m.size, name=f'size:{j}', constraint=constraints.interval(0.2, 15.), stepsize=0.05)
                if free:
                    s2.Parameter(m.n, name=f'n:{j}', constraint=constraints.interval(lo, hi), stepsize=0.05)
                s2.Parameter(m.ellipticity, name=f'e:{j}', constraint=constraints.interval(-E_MAX, E_MAX),
                             stepsize=0.01)
        try:
            f_std[i] = total_flux(scene.fit(obs, max_iter=steps, e_rel=1e-5, progress_bar=False))
        except Exception as e:  # noqa: BLE001 -- a failed blend counts as a failure, not a crash
            print(f'  scarlet2 Scene.fit failed on blend {i}: {type(e).__name__}: {e}')
    t_std = (time.perf_counter() - t0)/max(n_std, 1)

    # (2) jit once, vmap over blends: same model and likelihood, the blend's true centres and the parameter arrays
    # swapped in with equinox.tree_at. The template's boxes sit on the frame centre; a swapped-in centre only moves
    # the profile inside its box (`delta_center`), which covers the whole frame for any centre in it.
    scene0, obs0 = make(0, np.full((2, 2), [H//2, W//2], float))

    def where(s):
        return [x for src in s.sources
                for x in (src.center, src.spectrum, src.morphology.size, src.morphology.n, src.morphology.ellipticity)]

    def unpack(q, c):  # centres (2, 2) y, x and unconstrained parameters -> model: log flux, log size, n, ellipticity
        out = []
        for j in range(2):
            n = lo + (hi - lo)*jax.nn.sigmoid(q['n'][j]) if free else jnp.asarray(n0)
            u = q['e'][j]  # |ellipticity| < 0.8 (each component in (-0.8, 0.8) would let |e| exceed 1: NaN)
            out += [c[j], jnp.exp(q['lf'][j])[None], 0.2 + jnp.exp(q['ls'][j]), n, 0.8*u/jnp.sqrt(1 + u @ u)]
        return out

    def loss(q, data, c):
        sc = eqx.tree_at(where, scene0, unpack(q, c))
        ob = eqx.tree_at(lambda o: o.data, obs0, data[None])
        return -ob.log_likelihood(sc())

    opt = optax.adam(0.05)

    def fit_one(q0, data, c):
        def step(carry, _):
            q, st = carry
            g = jax.grad(loss)(q, data, c)
            up, st = opt.update(g, st, q)
            return (optax.apply_updates(q, up), st), None
        (q, _), _ = jax.lax.scan(step, (q0, opt.init(q0)), None, length=steps)
        return q

    logit_n0 = float(np.log((n0 - lo)/(hi - n0)))
    q0 = dict(lf=jnp.log(jnp.asarray(flux0/unit)), ls=jnp.full((N, 2), np.log(1.8)),
              n=jnp.full((N, 2), logit_n0), e=jnp.zeros((N, 2, 2)))
    data, cen = jnp.asarray(G), jnp.asarray(xy[..., ::-1])
    t0 = time.perf_counter()
    fit_all = jax.jit(jax.vmap(fit_one)).lower(q0, data, cen).compile()
    t_compile = time.perf_counter() - t0
    q, t_jit = timed(lambda: jax.block_until_ready(fit_all(q0, data, cen)), repeats)
    f_jit = np.full((N, 2), np.nan)
    for i in range(N):
        qi = jax.tree_util.tree_map(lambda v: v[i], q)
        f_jit[i] = total_flux(eqx.tree_at(where, scene0, unpack(qi, cen[i])))
    return f_jit, t_compile, t_jit, f_std, t_std


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n', type=int, default=50, help='blends per population')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--steps', type=int, default=300, help='Adam steps of the scarlet2 fits')
    p.add_argument('--standard', type=int, default=3,
                   help='blends per population also fitted with Scene.fit (recompiles every time; first --sersic-n)')
    p.add_argument('--sersic-n', type=float, nargs='+', default=[0.0, 1.0],
                   help='scarlet2 Sérsic index: 0 free in [0.5, 6], > 0 fixed (1: exponential); one fit per value')
    p.add_argument('--repeats', type=int, default=3, help='timed runs of each fit; the shortest is reported')
    p.add_argument('--population', nargs='+', choices=POPULATIONS, default=list(POPULATIONS))
    p.add_argument('--regime', choices=('bright', 'faint'), default='bright', help='testsky magnitude regime')
    p.add_argument('--testsky-size', type=int, default=31, help='testsky stamp side (pixels, odd)')
    a = p.parse_args()
    if importlib.util.find_spec('scarlet2') is None:
        print('scarlet2 not installed: skipped')
        return 0
    if a.testsky_size % 2 == 0:
        p.error('--testsky-size must be odd (scarlet2 centres its PSF and boxes on a pixel)')
    import jax
    jax.config.update('jax_enable_x64', True)
    import scarlet2 as s2
    import torch
    from ganblend.analysis import flux_stats
    torch.set_num_threads(int(os.environ.get('OMP_NUM_THREADS', 2)))
    s2.set_validation(False)
    t_start = time.perf_counter()

    results = []
    for pop in a.population:
        t0 = time.perf_counter()
        P = load_population(pop, a)
        t_sim = time.perf_counter() - t0
        target = (P['sep'] >= 0.5) & (P['ratio'] <= 4)
        ftrue = P['flux']
        rows, notes = [], []

        def report(name, f, secs):
            s = flux_stats(f.ravel(), ftrue.ravel())
            st = flux_stats(f[target].ravel(), ftrue[target].ravel())
            bad = int((~np.isfinite(f)).sum())
            rows.append((name, s['median_abs'], st['median_abs'], st['median'], st['width68'], secs, bad))

        fit_ours_and_sep(P, report, a.repeats)
        for k, n_fix in enumerate(a.sersic_n):
            name = f"scarlet2 Sérsic n={'free' if n_fix <= 0 else f'{n_fix:g}'}"
            f_jit, t_comp, t_jit, f_std, t_std = fit_scarlet2(P, n_fix, a.steps, a.standard if k == 0 else 0, a.repeats)
            report(f'{name}, jit once + vmap', f_jit, t_jit/len(f_jit))
            notes.append(f'{name} jit once: trace + compile {t_comp:.1f} s (once), '
                         f'then {t_jit[0]/len(f_jit)*1e3:.1f} ms per blend ({a.steps} Adam steps)')
            ok = np.isfinite(f_std).all(1)
            if k == 0 and a.standard > 0:
                s = flux_stats(f_std[ok].ravel(), ftrue[ok].ravel())
                sj = flux_stats(f_jit[ok].ravel(), ftrue[ok].ravel())
                notes.append(f'{name} Scene.fit ({a.steps} steps max, recompiling): {t_std:.1f} s per blend over '
                             f'{min(a.standard, len(f_std))} blends ({int(ok.sum())} succeeded); med|d| '
                             f"{s['median_abs']:.3f} there vs {sj['median_abs']:.3f} for the jit-once fit of the same "
                             'blends')
        results.append((P['label'], len(ftrue), int(target.sum()), t_sim, rows, notes))

    print(f"seed {a.seed}; torch threads {torch.get_num_threads()}, jax {jax.__version__} (float64), "
          f"scarlet2 {s2.__version__}; target subset: separation >= 0.5\", flux ratio <= 4")
    head = (f"{'method (true positions)':<52}{'med|d| all':>11}{'med|d| tgt':>11}{'median tgt':>11}{'w68 tgt':>9}"
            f"{'wall s/bl':>10}{'CPU s/bl':>10}{'failed':>7}")
    for label, n, n_t, t_sim, rows, notes in results:
        print(f'\n{label}: {n} blends, {n_t} in the target subset (simulated in {t_sim:.1f} s)')
        print(head)
        for name, m_all, m_t, med, w, secs, bad in rows:
            print(f'{name:<52}{m_all:>11.3f}{m_t:>11.3f}{med:>+11.3f}{w:>9.3f}{secs[0]:>10.4f}{secs[1]:>10.4f}'
                  f'{bad:>7d}')
        for line in notes:
            print(line)
    print(f'\ntotal {time.perf_counter() - t_start:.0f} s, load {os.getloadavg()[0]:.1f}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
