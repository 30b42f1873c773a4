"""Where are the close pairs lost: no candidate on the enhanced image, or rejected by the ground-pixel confirmation?

    python experiments/where_pairs_are_lost.py [--weights hsc-i] [--n 600] [--mags 20 25.5]

On `--n` validation blends (`simulate_blends(n, seed=12346)`, noise `default_rng(12345)`; never used in training or in
`ganblend-evaluate`), prints the recognized fraction by separation at each step of the shipped detection of the
enhancer: sep candidates before the ground-scale S/N cut, after it, after the confirmation (`confirm_detections`), and
the candidates of two more aggressive detections (sep, and the PSF-matched peak finder). The last rows are an oracle:
the TRUE positions of both galaxies put through the same survival test (`survival_levels`), kept at several
`min_dchi2`. `--mags 20 23`: bright pairs only. Used in `experiments/README.md` ("Where the close pairs are lost").
"""
import argparse, numpy as np, torch
from astropy.table import Table
from ganblend.blends import simulate_blends
from ganblend.deblend import (enhance_stamps, resolve_detection, detect_enhanced, confirm_detections,
                              survival_levels, to_enhanced, ground_psf)
from ganblend import photometry as ph
from ganblend.enhance import load_enhancer
from ganblend.core import get_survey, Image
from ganblend.analysis import score_blends

BINS = (0, 0.3, 0.45, 0.6, 0.75, 0.9, 1.5)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--weights', default='hsc-i'); ap.add_argument('--n', type=int, default=600); ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--mags', type=float, nargs=2, default=(20.0, 25.5))
    a = ap.parse_args(); torch.set_num_threads(a.threads)
    m = load_enhancer(a.weights); sv = get_survey('hsc-i'); noise = sv.noise_sigma
    bl = simulate_blends(a.n, seed=12346, progress=False, mag_range=tuple(a.mags))
    g = bl.noisy_ground(np.random.default_rng(12345))[:, 0]
    e = enhance_stamps(g, m, noise)
    det, conf = (st_ := resolve_detection(m)).detect_kwargs(), st_.confirm
    n_g, n_e, sc = g.shape[-1], e.shape[-1], m.scale
    xy_g = np.stack([np.column_stack([bl.truth[f'x{j}'], bl.truth[f'y{j}']]) for j in (1, 2)], 1).astype(float)
    xy, r = to_enhanced(xy_g, n_g, n_e, sc), 0.3/(sv.pixel_scale/sc)
    sep = np.asarray(bl.truth['separation'])
    psf = ph.fit_psf_gmm(ground_psf(Image(g[0], sv.pixel_scale), 'hsc-i'))
    print(f"{a.weights}: {a.n} validation blends, recognized fraction by separation (arcsec); detection {det}, confirmation {conf}")
    print(f"{'':44s} {'all':>5s} " + ' '.join(f'{lo:.2f}-{hi:.2f}' for lo, hi in zip(BINS[:-1], BINS[1:])))
    def row(name, ok):
        ok = np.asarray(ok, bool)
        print(f"{name:44s} {ok.mean():5.3f} " + ' '.join(f'{ok[(sep >= lo) & (sep < hi)].mean():9.2f}' for lo, hi in zip(BINS[:-1], BINS[1:])), flush=True)
    rec = lambda dets: score_blends(dets, xy, r)['recognized']
    nosnr = {k: v for k, v in det.items() if k != 'min_snr_ground'}
    row('candidates (shipped sep, no S/N cut)', rec([detect_enhanced(x, noise, m, **nosnr) for x in e]))
    d1 = [detect_enhanced(x, noise, m, **det) for x in e]; row('+ ground-scale S/N cut', rec(d1))
    row('+ confirmation (shipped detection)', rec(confirm_detections(d1, g, e.shape[-2:], m, psf, noise, **conf)))
    row('candidates, sep threshold 3, deblend_cont 1e-3', rec([detect_enhanced(x, noise, m, **{**nosnr, 'threshold': 3, 'deblend_cont': 1e-3}) for x in e]))
    row('candidates, peak finder threshold 3', rec([detect_enhanced(x, noise, m, **{**nosnr, 'method': 'peak', 'threshold': 3}) for x in e]))
    lv = np.array([l.min() for l in survival_levels(g, list(xy_g), psf, noise, conf['sys_frac'])])
    for tau in (4, 12, 25):
        row(f'oracle: true positions, min_dchi2 {tau}', lv >= tau)

if __name__ == '__main__': main()
