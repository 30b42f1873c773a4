"""What the flux errors of the Sérsic fit miss: the diagnostics behind `MISMATCH_PSF` and the faint-galaxy limit.

Usage: python experiments/phot_error_terms.py [--n 1000] [--seed 0] [--part psf faint wings]

Both parts fit the sets of `benchmarks/phot_populations.py` (training simulator and `testsky`) at the TRUE positions
with the Sérsic profile, the package's `fit_fluxes`.
1. `psf`: bright isolated galaxies at 0.6" and 0.85". Fitted once without the mismatch term (κ = 0: max(Fisher,
   sandwich)) and once with κ = 1 and no PSF factor (the source's own residual bound m). In quartiles of
   x = (FWHM/2 hlr)², with hlr the fitted half-light radius, prints the κ² that brings the quartile to 68% coverage
   (nan: none up to 100) and the fraction of galaxies whose footprint shows no excess residual (m = 0).
2. `faint`: faint galaxies (i 22-26), isolated and blended: median flux bias, the bias of the quarter with the lowest S/N,
   median |Δf/f| and coverage68 of `flux_err`, for the default size prior (σ 0.5 in ln hlr about 0.3"), a prior
   centred on 0.2", and one twice as wide.
3. `wings`: bright isolated galaxies, median flux bias with the PSF image of the sets (31 x 31, normalised to sum 1,
   so ~0.7-1.2% of a Kolmogorov PSF's light is cut off) and drawn on 61 x 61 and 121 x 121 pixels: how much of the
   bias is the truncated PSF.
"""
import argparse, os, sys, warnings
import numpy as np, torch
from scipy.optimize import brentq
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'benchmarks'))
from phot_populations import population
import ganblend.photometry as phot
from ganblend.simulate import psf_image

PIX = 0.168  # HSC pixel (arcsec)

def fit(G, pos, sig, pm, kappa=None, psf_scale=None, **kw):
    old = phot.MISMATCH_KAPPA, phot.MISMATCH_PSF
    if kappa is not None: phot.MISMATCH_KAPPA = kappa
    if psf_scale is not None: phot.MISMATCH_PSF = psf_scale
    try: return phot.fit_fluxes(G, pos, pm, sig, profile='sersic', **{'hlr': 0.3/PIX, **kw})
    finally: phot.MISMATCH_KAPPA, phot.MISMATCH_PSF = old

def psf_part(n, seed):
    for pop in ('train', 'testsky'):
        for seeing in (0.6, 0.85):
            G, pos, F, _, sig, psf = population(pop, seeing, 'bright', False, n, seed)
            pm = phot.fit_psf_gmm(psf)
            r0 = fit(G, pos, sig, pm, kappa=0.0)
            r1 = fit(G, pos, sig, pm, kappa=1.0, psf_scale=0.0)
            b, e1 = np.asarray(r0['flux_err'])**2, np.asarray(r1['flux_err'])**2
            m = np.maximum(e1 - b, 0)
            d = np.abs(np.asarray(r0['flux']) - F.ravel())
            x = (seeing/PIX/2/np.asarray(r0['hlr']))**2
            q = np.nanquantile(x, [0, .25, .5, .75, 1])
            out = []
            for j in range(4):
                s = (x >= q[j]) & (x <= q[j + 1]) & np.isfinite(d)
                g = lambda k2: np.mean(d[s] < np.sqrt(b[s] + k2*m[s])) - 0.68
                k2 = brentq(g, 0, 100) if g(0) < 0 < g(100) else (0.0 if g(0) >= 0 else np.nan)
                out.append(f"x {np.median(x[s]):.2f}: kappa^2 {k2:.3f}, m = 0 for {np.mean(m[s] == 0):.2f}")
            print(f"{pop:>7} {seeing}\" bright isolated | " + ' | '.join(out), flush=True)

def faint_part(n, seed):
    variants = (('size prior 0.3", sigma 0.5', {}), ('centred on 0.2"', dict(hlr=0.2/PIX)),
                ('sigma 1.0', dict(size_prior=1.0)))
    for pop, seeing, blend in [(p, s, b) for p in ('train', 'testsky') for s in (0.6, 0.85) for b in (False, True)]:
        G, pos, F, _, sig, psf = population(pop, seeing, 'faint', blend, n, seed)
        pm, Fr = phot.fit_psf_gmm(psf), F.ravel()
        out = []
        for name, kw in variants:
            r = fit(G, pos, sig, pm, **kw)
            f, e = np.asarray(r['flux']), np.asarray(r['flux_err'])
            dd = f/Fr - 1
            snr = Fr/np.asarray(r['flux_err_stat'])
            lo = snr < np.nanquantile(snr, 0.25)
            out.append(f"{name}: bias {np.nanmedian(dd):+.3f} (S/N < {np.nanquantile(snr, 0.25):.1f}: "
                       f"{np.nanmedian(dd[lo]):+.3f}), |df/f| {np.nanmedian(np.abs(dd)):.3f}, "
                       f"cov68 {np.mean(np.abs(f - Fr) < e):.2f}")
        print(f"{pop:>7} {seeing}\" faint {'blends' if blend else 'isolated'} | " + ' | '.join(out), flush=True)

def wings_part(n, seed):
    import galsim
    for pop, seeing in [(p, s) for p in ('train', 'testsky') for s in (0.6, 0.85)]:
        G, pos, F, _, sig, _ = population(pop, seeing, 'bright', False, n, seed)
        out = []
        for side in (31, 61, 121):
            p = (galsim.Kolmogorov(fwhm=seeing).drawImage(nx=side, ny=side, scale=PIX).array if pop == 'testsky'
                 else psf_image(f'hsc-i@{seeing}', side))
            r = fit(G, pos, sig, phot.fit_psf_gmm(p/p.sum()))
            out.append(f"PSF {side} px: bias {np.nanmedian(np.asarray(r['flux'])/F.ravel() - 1):+.4f}")
        print(f"{pop:>7} {seeing}\" bright isolated | " + ' | '.join(out), flush=True)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n', type=int, default=1000, help='stamps per set')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--part', nargs='+', default=['psf', 'faint', 'wings'], choices=['psf', 'faint', 'wings'])
    p.add_argument('--threads', type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads); warnings.filterwarnings('ignore')
    if 'psf' in a.part: psf_part(a.n, a.seed)
    if 'faint' in a.part: faint_part(a.n, a.seed)
    if 'wings' in a.part: wings_part(a.n, a.seed)

if __name__ == '__main__': main()
