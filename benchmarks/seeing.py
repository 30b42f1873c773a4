"""Blend recognition, false splits and blend photometry across seeing, on the training simulator and the independent population.

Usage: python benchmarks/seeing.py [--n 300] [--n-iso 1000] [--seeing 0.5 0.6 0.85 1.0] [--population train testsky]
                                   [--variant single bank] [--mags 20 25.5] [--threads 2] [--seed 0]

At each seeing, each population gives `n` two-galaxy blends (separation 0.3-1.5", flux ratio <= 4; 31x31 stamps) and
`n_iso` isolated galaxies (23x23 stamps; false splits come mostly from a few bright knotty galaxies, so the rate
needs ~1,000 of them for ±0.5%; as in `ganblend-evaluate` and the detection calibration), i between `--mags`, on
HSC-i pixels with HSC-Wide noise, and the PSF image of the stamps:
- `train`: `ganblend.blends.simulate_blends`/`simulate_isolated` with ground band `hsc-i@<seeing>` (the simulator the
  models learn from, rendered at that seeing; seeds 7000+ are used by no training or calibration set);
- `testsky`: `ganblend.testsky.simulate_testsky` (single Sérsic n 0.5-6, knots, irregular galaxies), never used for
  training or calibration.
Each stamp goes through the steps of `ganblend.deblend.deblend`, batched: the enhancer, PSF matching
(`deblend.model_input`), detection on the enhanced stamp with the model's shipped settings (`resolve_detection`),
confirmation on the ground pixels with the stamp's PSF, and Sérsic photometry at the positions found. Variants:
- `single`: the shipped `hsc-i` (trained at 0.61") whatever the seeing, without PSF matching (the behaviour before
  the seeing bank);
- `bank`: what `ganblend-deblend` does now: the shipped model of the nearest seeing (`enhance.seeing_bank`), with
  sharper images PSF-matched onto its seeing;
- `--weights PATH ...`: each of these models at every seeing, sharper images PSF-matched onto it (e.g. a candidate).
Printed per (population, seeing, variant): recognized (both components matched one-to-one within 0.3"), false_split
(isolated galaxies with two or more sources), recognized per separation bin, and the median |Δf/f| of the blend
components found (Sérsic photometry at the positions found, against the true total flux); `true pos`: the same
photometry of every component at its TRUE position (the noise and model floor of the blend photometry).
"""
import argparse, time, warnings
import numpy as np, torch
from ganblend.core import get_survey, Image
from ganblend.blends import simulate_blends, simulate_isolated
from ganblend.simulate import psf_image
from ganblend.testsky import simulate_testsky
from ganblend.enhance import image_seeing, enhancer_for, load_enhancer
from ganblend.deblend import (enhance_stamps, detect_enhanced, confirm_detections, resolve_detection, ground_positions,
                              psf_mixture, model_input)
from ganblend.photometry import photometry_image
from ganblend.analysis import score_blends

SIZE, SIZE_ISO, SEP = 31, 23, (0.3, 1.5)
SEP_BINS = [(0.3, 0.6), (0.6, 0.9), (0.9, 1.5)]
PS = get_survey('hsc-i').pixel_scale

def population(pop, seeing, n, mags, seed, n_iso=None, parts=False):
    """(blend stamps, true positions (n, 2, 2), true fluxes (n, 2), separations, isolated stamps, sky σ, PSF image);
    with `parts`, also each blend's two galaxies alone and noiseless (n, 2, h, w) and the fainter one's magnitude."""
    n_iso = n if n_iso is None else n_iso
    if pop == 'testsky':
        kw = dict(seeing=seeing, regime=tuple(mags))
        bl = simulate_testsky(n, seed, blend=True, sep_range=SEP, max_flux_ratio=4.0, size=SIZE, parts=parts, **kw)
        iso = simulate_testsky(n_iso, seed + 1, blend=False, size=SIZE_ISO, **kw)
        t = bl.truth
        sep = np.asarray(t['separation'], float).reshape(n, 2)[:, 0]
        out = (bl.images.astype(np.float32), np.c_[t['x'], t['y']].reshape(n, 2, 2),
               np.asarray(t['flux'], float).reshape(n, 2), sep, iso.images.astype(np.float32), bl.noise, bl.psf)
        return out + ((bl.parts, np.asarray(t['mag'], float).reshape(n, 2).max(1)) if parts else ())
    band = f'hsc-i@{seeing:g}'
    kw = dict(ground_bands=(band,), progress=False, mag_range=tuple(mags))
    bs = simulate_blends(n, 7000 + seed, sep_range=SEP, max_flux_ratio=4.0, ground_size=SIZE, **kw)
    iso = simulate_isolated(n_iso, 7100 + seed, ground_size=SIZE_ISO, **kw)
    rng = np.random.default_rng(7200 + seed)
    t = bs.truth
    xy = np.stack([np.c_[t[f'x{j}'], t[f'y{j}']] for j in (1, 2)], 1)
    fl = np.c_[t[f'flux1_{band}'], t[f'flux2_{band}']].astype(float)
    out = (bs.noisy_ground(rng)[:, 0], xy, fl, np.asarray(t['separation'], float), iso.noisy_ground(rng)[:, 0],
           get_survey(band).noise_sigma, psf_image(band, 31))
    return out + ((bs.ground_parts[:, :, 0], np.maximum(t['mag1'], t['mag2']).astype(float)) if parts else ())

def run(variant, G, Gi, sig, psf):
    "Detections (ground pixel positions) per blend stamp and per isolated stamp, and the model used."
    psf = psf/psf.sum()
    if variant == 'single': model = load_enhancer('hsc-i')
    elif variant == 'bank': model = enhancer_for(None, 'hsc-i', fallback=None, seeing=image_seeing([psf], PS))
    else: model = load_enhancer(variant)   # --weights: this model, the input PSF-matched onto its seeing if sharper
    settings = resolve_detection(model, 'hsc-i', 'sep')
    pm = psf_mixture(psf)
    out = []
    for stamps in (G, Gi):
        if variant == 'single': X = stamps
        else: X = np.stack([model_input(Image(s, PS), model, [psf], [sig], seed=i)[0][0] for i, s in enumerate(stamps)])
        e = enhance_stamps(X, model, sig)
        dets = [detect_enhanced(ei, sig, model, method='sep', survey='hsc-i', **settings.detect_kwargs()) for ei in e]
        if settings.confirm is not None:
            dets = confirm_detections(dets, stamps, e.shape[-2:], model, pm, sig, **settings.confirm)
        out.append(ground_positions(dets, stamps.shape[-2:], e.shape[-2:], model.scale))
    return out, model.label, pm

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=300); ap.add_argument('--n-iso', type=int, default=1000)
    ap.add_argument('--seeing', type=float, nargs='+', default=[0.5, 0.6, 0.85, 1.0])
    ap.add_argument('--population', nargs='+', default=['train', 'testsky'], choices=['train', 'testsky'])
    ap.add_argument('--variant', nargs='+', default=['single', 'bank'], choices=['single', 'bank'])
    ap.add_argument('--mags', type=float, nargs=2, default=(20.0, 25.5)); ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--weights', nargs='*', default=[], help='more variants: these weights (path or shipped name), '
                    'each used at every seeing, the input PSF-matched onto it as in `bank`')
    a = ap.parse_args()
    torch.set_num_threads(a.threads); warnings.filterwarnings('ignore')
    r = 0.3/PS
    bins = ''.join(f'{f"{lo:g}-{hi:.1f}":>9}' for lo, hi in SEP_BINS)
    print(f"{'population':<10}{'seeing':>7} {'variant':<8}{'model':<12}{'recog':>7}{'f_split':>8}{bins}{'med|df/f|':>10}{'true pos':>9}{'s':>6}")
    for pop in a.population:
        for s in a.seeing:
            G, xy, F, sep, Gi, sig, psf = population(pop, s, a.n, a.mags, a.seed, a.n_iso)
            pm0 = psf_mixture(psf/psf.sum())
            d_true = np.concatenate([np.asarray(photometry_image(G[i].astype(np.float64), xy[i, :, 0], xy[i, :, 1], pm0,
                                                                 sig, profile='sersic')['flux'])/F[i] - 1
                                     for i in range(len(G))])
            for v in list(a.variant) + list(a.weights):
                t0 = time.perf_counter()
                (pos, pos_i), label, pm = run(v, G, Gi, sig, psf)
                from astropy.table import Table
                sc = score_blends([Table(dict(x=p[:, 0], y=p[:, 1])) for p in pos], xy, r)
                rec = np.asarray(sc['recognized'])
                fs = np.mean([len(p) >= 2 for p in pos_i])
                d = []
                for i, p in enumerate(pos):
                    m = np.asarray(sc['match'][i])
                    if (m < 0).all(): continue
                    ph = photometry_image(G[i].astype(np.float64), p[:, 0], p[:, 1], pm, sig, profile='sersic')
                    d += [float(ph['flux'][j])/F[i, k] - 1 for k, j in enumerate(m) if j >= 0]
                by = ''.join(f'{rec[(sep >= lo) & (sep < hi)].mean():>9.2f}' for lo, hi in SEP_BINS)
                print(f"{pop:<10}{s:>7.2f} {v if v in ('single', 'bank') else 'weights':<8}{label:<12}{rec.mean():>7.3f}{100*fs:>7.1f}%{by}"
                      f"{np.median(np.abs(d)):>10.3f}{np.median(np.abs(d_true)):>9.3f}{time.perf_counter() - t0:>6.0f}",
                      flush=True)

if __name__ == '__main__': main()
