"""Recognized fraction of an enhancer's detection at several false-split limits, on one validation set and grid.

    python experiments/false_split_tradeoff.py [--weights ganblend/weights/hsc-i] [--n 1200] [--limit 0.025] [--no-confirm]

Runs `ganblend.deblend.calibrate_detection(grid=True)` on `--n` validation blends and isolated galaxies (seed 12345,
never used in training or in `ganblend-evaluate`), with the default grid plus thresholds 20 and 30, and prints the best
recognized fraction for false_split ≤ 2, 2.5 and 3%, with the ground-pixel confirmation of companions (its
`min_dchi2` grid, `deblend.MIN_DCHI2S`) unless `--no-confirm`. For the setting chosen at `--limit` it lists the
isolated galaxies split in two: their magnitude and the distance between the two closest detections.
Used in `experiments/README.md` ("Training with blends") to compare models at equal false-split rates.
"""
import argparse, numpy as np, torch
from ganblend.enhance import load_enhancer
from ganblend.deblend import (calibrate_detection, detect_enhanced, enhance_stamps, SKY_THRESHOLDS, confirm_detections,
                              psf_mixture, ground_psf)
from ganblend.blends import simulate_isolated
from ganblend.core import Image, get_survey

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--weights', default='ganblend/weights/hsc-i'); ap.add_argument('--n', type=int, default=1200)
    ap.add_argument('--limit', type=float, default=0.025); ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--no-confirm', action='store_true', help='no ground-pixel confirmation of companions')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    m = load_enhancer(path=a.weights); m.meta.pop('detection', None)
    d, val, tab = calibrate_detection(m, target=1.0, n=a.n, thresholds=SKY_THRESHOLDS + (20.0, 30.0), grid=True, confirm=not a.no_confirm)
    ok = tab[tab['blank_density'] <= 5]
    best = {}
    print(f"{a.weights}: best recognized fraction at each false-split limit ({a.n} validation blends / isolated galaxies)")
    for lim in sorted({0.02, 0.025, 0.03, a.limit}):
        s = ok[ok['false_split'] <= lim + 1e-12]
        if not len(s): print(f"  false_split <= {lim:.3f}: no setting"); continue
        r = s[np.lexsort((np.nan_to_num(s['min_dchi2']), s['min_snr_ground'], s['threshold'], s['recognized']))[-1]]
        best[lim] = r
        print(f"  false_split <= {lim:.3f}: recognized {r['recognized']:.3f} (false_split {r['false_split']:.4f}; threshold {r['threshold']:g}, "
              f"deblend_cont {r['deblend_cont']:g}, min_snr_ground {r['min_snr_ground']:g}, min_dchi2 {r['min_dchi2']:g})")
    if a.limit not in best: return
    r = best[a.limit]
    sig = get_survey('hsc-i').noise_sigma
    base = {k: getattr(d, k) for k in ('sky_level', 'sky_sigma', 'sky_sigma_ground')}   # the blank-sky statistics of the calibration
    st = dict(base, threshold=float(r['threshold']), deblend_cont=float(r['deblend_cont']), min_snr_ground=float(r['min_snr_ground']))
    iso = simulate_isolated(a.n, seed=12345, progress=False)
    G = iso.noisy_ground(np.random.default_rng(12345))[:, 0]
    E = enhance_stamps(G, m, np.array([sig]))
    px = get_survey('hsc-i').pixel_scale/m.scale
    dets = [detect_enhanced(e, np.array([sig]), m, **st) for e in E]
    if np.isfinite(r['min_dchi2']):
        psf = psf_mixture(ground_psf(Image(G[0], get_survey('hsc-i').pixel_scale), 'hsc-i'))
        dets = confirm_detections(dets, G, E.shape[-2:], m, psf, sig, float(r['min_dchi2']), d.sys_frac)
    rows = []
    for i, d in enumerate(dets):
        if len(d) >= 2:
            x, y = np.asarray(d['x'], float), np.asarray(d['y'], float)
            dist = min(np.hypot(x[j] - x[k], y[j] - y[k]) for j in range(len(d)) for k in range(j + 1, len(d)))*px
            rows.append((float(iso.truth['mag1'][i]), dist))
    print(f"  at the false_split <= {a.limit:g} setting: {len(rows)} of {a.n} isolated galaxies split; "
          f"i magnitudes {', '.join(f'{r[0]:.1f}' for r in sorted(rows))}; closest-pair distances (arcsec) "
          f"{', '.join(f'{r[1]:.2f}' for r in sorted(rows, key=lambda r: r[1]))}")

if __name__ == '__main__': main()
