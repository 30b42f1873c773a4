"""Are the false splits of bright galaxies a matter of the confirmation threshold?

    python experiments/bright_false_splits.py [--n 300] [--n-iso 1000] [--seeing 0.6] [--threads 2]
                                              [--method sep|peak] [--mags 20 23 [20 25.5]]

The shipped detection is calibrated to false_split ≤ 2% over galaxies of i 20-25.5, most of them faint. On bright
galaxies alone (i 20-23) it splits many more (`benchmarks/close_pairs_ceiling.py --mags 20 23`). For the blends and
isolated galaxies of `benchmarks/seeing.py` (both populations, bright and all magnitudes), this takes the candidates
of the enhanced image before the confirmation, their survival levels on the ground pixels (`deblend.survival_levels`,
the shipped `sys_frac`), and prints recognized and false_split when a source must reach level T, for T from the
shipped `min_dchi2` upwards, and for a threshold that grows with the brightness of the stamp's brightest source:
T = max(min_dchi2, c·(S/N)²) with S/N its ground flux over its Fisher error. `--method peak`: the candidates of the
PSF-matched peak finder at threshold 3 instead of the shipped sep settings (more candidates, the confirmation decides).
"""
import argparse, sys, warnings
from pathlib import Path
import numpy as np, torch
from astropy.table import Table

sys.path.insert(0, str(Path(__file__).parents[1]/'benchmarks'))
from seeing import PS, population

from ganblend.enhance import enhancer_for, image_seeing
from ganblend.deblend import (enhance_stamps, detect_enhanced, resolve_detection, ground_positions, psf_mixture,
                              survival_levels)
from ganblend.photometry import fit_fluxes
from ganblend.analysis import score_blends

def candidates(model, settings, stamps, sig, method='sep'):
    "Ground positions of the candidates on the enhanced stamps (no confirmation)."
    e = enhance_stamps(stamps, model, sig)
    kw = settings.detect_kwargs()
    if method == 'peak': kw = {**{k: v for k, v in kw.items() if k != 'min_snr_ground'}, 'threshold': 3}
    d = [detect_enhanced(x, sig, model, method=method, survey='hsc-i', **kw) for x in e]
    return ground_positions(d, stamps.shape[-2:], e.shape[-2:], model.scale)

def brightest_snr(stamps, pos, pm, sig):
    "S/N (flux/Fisher error) of the brightest candidate of each stamp, fitted alone (0 where there is none)."
    out = np.zeros(len(stamps))
    ok = np.array([len(p) > 0 for p in pos])
    if not ok.any(): return out
    first = np.array([p[0] if len(p) else [np.nan, np.nan] for p in pos])[ok]
    t = fit_fluxes(stamps[ok].astype(np.float64), first[:, None], pm, sig, refine=False)
    out[ok] = np.abs(np.asarray(t['flux'], float))/np.asarray(t['flux_err_stat'], float)
    return out

def kept(pos, lv, T):
    "Candidates whose level reaches T (T per stamp)."
    return [p[np.asarray(l) >= t] for p, l, t in zip(pos, lv, np.broadcast_to(T, len(pos)))]

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=300); ap.add_argument('--n-iso', type=int, default=1000)
    ap.add_argument('--seeing', type=float, default=0.6); ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--method', default='sep', choices=['sep', 'peak'])
    ap.add_argument('--mags', type=float, nargs='+', default=[20., 23., 20., 25.5])
    a = ap.parse_args()
    torch.set_num_threads(a.threads); warnings.filterwarnings('ignore')
    r = 0.3/PS
    print(f"{'population':<10}{'i':>9} {'rule':<24}{'f_split':>8}{'recog':>7}{'0.3-0.6':>8}{'0.6-0.9':>8}{'0.9-1.5':>8}")
    for mags in zip(a.mags[0::2], a.mags[1::2]):
        for pop in ('train', 'testsky'):
            G, xy, _, sep, Gi, sig, psf = population(pop, a.seeing, a.n, mags, 0, a.n_iso)
            psf = psf/psf.sum()
            model = enhancer_for(None, 'hsc-i', fallback=None, seeing=image_seeing([psf], PS))
            st = resolve_detection(model, 'hsc-i', 'sep')
            conf, pm = st.confirm, psf_mixture(psf)
            pos, pos_i = candidates(model, st, G, sig, a.method), candidates(model, st, Gi, sig, a.method)
            lv = survival_levels(list(G.astype(np.float64)), pos, pm, sig, conf['sys_frac'])
            lv_i = survival_levels(list(Gi.astype(np.float64)), pos_i, pm, sig, conf['sys_frac'])
            snr, snr_i = brightest_snr(G, pos, pm, sig), brightest_snr(Gi, pos_i, pm, sig)
            rules = [(f'min_dchi2 {t:g}', t, t) for t in (conf['min_dchi2'], 25, 50, 100, 200, 400)]
            rules += [(f'max(min_dchi2, {c:g}·snr²)', np.maximum(conf['min_dchi2'], c*snr**2),
                       np.maximum(conf['min_dchi2'], c*snr_i**2)) for c in (1e-3, 3e-3, 1e-2, 3e-2)]
            for name, T, T_i in rules:
                k, k_i = kept(pos, lv, T), kept(pos_i, lv_i, T_i)
                rec = np.asarray(score_blends([Table(dict(x=p[:, 0], y=p[:, 1])) for p in k], xy, r)['recognized'])
                fs = np.mean([len(p) >= 2 for p in k_i])
                by = ''.join(f'{rec[(sep >= lo) & (sep < hi)].mean():>8.2f}' for lo, hi in ((0.3, 0.6), (0.6, 0.9), (0.9, 1.5)))
                print(f"{pop:<10}{f'{mags[0]:g}-{mags[1]:g}':>9} {name:<24}{100*fs:>7.1f}%{rec.mean():>7.3f}{by}", flush=True)

if __name__ == '__main__': main()
