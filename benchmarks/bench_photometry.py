"""Two-source Gaussian-mixture fits per second (`ganblend.photometry.fit_fluxes`) against sep on the same stamps.

Usage: python benchmarks/bench_photometry.py [--n 2000] [--threads 2] [--device cpu|cuda] [--batch 256]
Stamps: 23x23 HSC-i-like pairs of exponential galaxies (GalSim, 0.61" Kolmogorov PSF, sky noise), 0.4-1.2" apart,
fitted at their true positions. Timed: fixed-shape fits (linear fluxes + Fisher errors), refined fits (10
Levenberg-Marquardt steps over fluxes, positions, sizes, ellipticities), the single-precision default and double,
the Sérsic profile with its index fitted too,
and sep on each stamp (`sep.extract` + `sep.sum_circle` at the two positions: detection and aperture photometry).
Rendering, the PSF fit and the Sérsic mixture table (~1 s, cached per process) are done once, before timing; warm-up
calls (one per profile) are not timed.
Prints wall-clock rates and the rate per CPU-second (on a shared, loaded machine only the second is stable), and
the ratio to sep measured in the same run. The design target is >= 1,000 fits/s on 2 cores.

Accuracy at the speed setting (`--accuracy N` blends, 0 to skip): `ganblend.blends.simulate_blends` (bulge+disk+knots,
the analysis' simulator), fitted at the TRUE positions like `ganblend.analysis`; median |Δflux|/flux, median and 68%
half-width on the target subset (separation >= 0.5", flux ratio <= 4), for the default settings, the previous
defaults (weaker shape priors: σ ln hlr 1.0, σ η 0.5), positions fixed, the 'bd' and 'dev' profiles, double precision,
and an oracle floor: a linear fit with the EXACT noiseless templates of both galaxies (no model error, shapes known).
Recommended: OMP_NUM_THREADS=2 nice -n 10 python benchmarks/bench_photometry.py
"""
import argparse, os, resource, time
import numpy as np, torch, galsim, sep
from ganblend.core import get_survey
from ganblend.photometry import fit_fluxes, fit_psf_gmm, sep_photometry

def _cpu():
    s = resource.getrusage(resource.RUSAGE_SELF)
    return s.ru_utime + s.ru_stime

def stamps(n, n_unique=200, seed=0):
    "n noisy two-galaxy stamps (n_unique GalSim renderings, fresh noise), true positions (n, 2, 2), noise sigma."
    hsc = get_survey('hsc-i'); psf = galsim.Kolmogorov(fwhm=0.61); rng = np.random.default_rng(seed)
    ims, pos = [], []
    for _ in range(n_unique):
        s, ph = rng.uniform(0.4, 1.2), rng.uniform(0, 2*np.pi)
        off = 0.5*s/0.168*np.array([np.cos(ph), np.sin(ph)])
        im = galsim.ImageF(23, 23, scale=0.168); p = []
        for sign in (-1, 1):
            x, y = 11 + sign*off
            gal = galsim.Exponential(half_light_radius=rng.uniform(0.15, 0.45), flux=float(hsc.mag_to_flux(rng.uniform(21.5, 23.5))))
            galsim.Convolve(gal.shear(g1=rng.uniform(-.3, .3), g2=rng.uniform(-.3, .3)), psf).drawImage(im, offset=(x - 11, y - 11), add_to_image=True)
            p.append((x, y))
        ims.append(im.array); pos.append(p)
    idx = rng.integers(0, n_unique, n)
    data = np.array(ims)[idx] + rng.normal(0, hsc.noise_sigma, (n, 23, 23))
    return data, np.array(pos)[idx], hsc.noise_sigma, psf.drawImage(nx=61, ny=61, scale=0.168).array

def timed(fn, n):
    t0, c0 = time.perf_counter(), _cpu()
    fn()
    return n/(time.perf_counter() - t0), n/(_cpu() - c0)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n', type=int, default=2000, help='stamps per timed run')
    p.add_argument('--threads', type=int, default=2, help='torch intra-op threads (the design target is for 2 cores)')
    p.add_argument('--device', default='cpu')
    p.add_argument('--batch', type=int, default=256)
    p.add_argument('--accuracy', type=int, default=500, help='simulated blends for the accuracy table (0: skip)')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    data, pos, sig, psf_img = stamps(a.n)
    psf = fit_psf_gmm(psf_img)
    kw = dict(hlr=2.0, batch_size=a.batch, device=a.device)
    for prof in ('exp', 'sersic'):  # warm-up; the first Sérsic fit also builds the mixture table
        fit_fluxes(data[:a.batch], pos[:a.batch], psf, sig, refine=True, profile=prof, **kw)
    print(f"cpu cores: {os.cpu_count()}, torch threads: {torch.get_num_threads()}, device: {a.device}, "
          f"load average before: {os.getloadavg()[0]:.1f}")
    print(f"{'method':<44}{'n':>7}{'fits/s':>10}{'fits/cpu-s':>12}")
    runs = [('GMM fixed shapes (linear fluxes), float32', lambda: fit_fluxes(data, pos, psf, sig, refine=False, **kw)),
            ('GMM refined (10 LM steps), float32', lambda: fit_fluxes(data, pos, psf, sig, refine=True, **kw)),
            ('GMM refined (10 LM steps), float64', lambda: fit_fluxes(data, pos, psf, sig, refine=True, float32=False, **kw)),
            ('GMM Sersic, index fitted (10 LM steps)', lambda: fit_fluxes(data, pos, psf, sig, refine=True, profile='sersic', **kw)),
            ('GMM Sersic, fixed shapes (linear fluxes)', lambda: fit_fluxes(data, pos, psf, sig, refine=False, profile='sersic', **kw)),
            ('sep extract + sum_circle', lambda: [sep.extract(np.ascontiguousarray(d), 3.0, err=sig) for d in data]
                                                  and sep_photometry(data, pos, sig, psf.fwhm, 'aper')),
            ('sep auto (Kron) flux', lambda: sep_photometry(data, pos, sig, psf.fwhm, 'auto'))]
    res = {}
    for name, fn in runs:
        r, rc = timed(fn, len(data))
        res[name] = (r, rc)
        print(f"{name:<44}{len(data):>7}{r:>10.0f}{rc:>12.0f}", flush=True)
    ref = res['sep extract + sum_circle']
    for name in list(res)[:5]:
        print(f"ratio to sep extract + sum_circle, {name}: {res[name][0]/ref[0]:.2f} (wall), {res[name][1]/ref[1]:.2f} (cpu)")
    t = fit_fluxes(data, pos, psf, sig, refine=True, **kw)
    print(f"check: median chi2/dof {np.median(np.asarray(t['chi2'])/np.asarray(t['dof'])):.2f} (1 for a good model)")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    if a.accuracy: accuracy(a.accuracy, kw)

def accuracy(n, kw, seed=0):
    "Flux errors at the true positions on `n` simulated blends (see the module docstring)."
    from ganblend.blends import simulate_blends
    from ganblend.analysis import flux_stats
    from ganblend.simulate import psf_image
    hsc = get_survey('hsc-i')
    bs = simulate_blends(n, seed=seed, progress=False)
    G = bs.noisy_ground(np.random.default_rng(seed + 1))[:, 0].astype(np.float64); t = bs.truth
    xy = np.stack([np.column_stack([np.asarray(t[f'x{j}'], float), np.asarray(t[f'y{j}'], float)]) for j in (1, 2)], 1)
    ftrue = np.column_stack([np.asarray(t['flux1_hsc-i'], float), np.asarray(t['flux2_hsc-i'], float)])
    fr = np.asarray(t['flux_ratio'], float); fr = np.where(fr < 1, 1/fr, fr)
    tgt = (np.asarray(t['separation'], float) >= 0.5) & (fr <= 4)
    psf = fit_psf_gmm(psf_image('hsc-i', 25))
    print(f"\naccuracy: {n} simulated blends (seed {seed}), TRUE positions, target subset sep >= 0.5\", flux ratio <= 4: {tgt.sum()} blends")
    print(f"{'setting':<58}{'med|d|':>8}{'median':>9}{'w68':>8}{'fits/s':>8}")
    def row(name, f, secs):
        st = flux_stats(f[tgt].ravel(), ftrue[tgt].ravel())
        print(f"{name:<58}{st['median_abs']:>8.4f}{st['median']:>+9.4f}{st['width68']:>8.4f}{n/secs:>8.0f}", flush=True)
    cfg = [('exp, refined (defaults = the speed setting above)', {}),
           ('exp, refined, previous priors (size 1.0, shape 0.5)', dict(size_prior=1.0, shape_prior=0.5)),
           ('exp, refined, positions fixed at the truth', dict(fit_positions=False)),
           ('exp, refined, 30 LM iterations', dict(n_iter=30)),
           ('exp, refined, float64', dict(float32=False)),
           ("bd (bulge+disk), refined", dict(profile='bd')),
           ("dev, refined", dict(profile='dev')),
           ("sersic (index fitted), refined", dict(profile='sersic')),
           ('exp, fixed round shape (hlr 0.34")', dict(refine=False))]
    for name, extra in cfg:
        t0 = time.perf_counter()
        r = fit_fluxes(G, xy, psf, hsc.noise_sigma, **{**kw, **extra})
        row(name, np.asarray(r['flux']).reshape(n, 2), time.perf_counter() - t0)
    T = bs.ground_parts[:, :, 0].reshape(n, 2, -1).astype(np.float64)/ftrue[..., None]  # unit-flux templates
    t0 = time.perf_counter()
    f = np.linalg.solve(T @ T.transpose(0, 2, 1), T @ G.reshape(n, -1)[..., None])[..., 0]
    row('oracle: exact noiseless templates, linear fluxes', f, time.perf_counter() - t0)

if __name__ == '__main__': main()
