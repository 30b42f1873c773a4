"""How well the ground-pixel confirmation separates real companions from hallucinated ones, for several `sys_frac`.

    python experiments/confirm_companions.py [--weights runs/ft-mix50/hsc-i] [--n 1200] [--sys-frac 0,0.2,0.5,1,2,3,5,10] [--link 4]

For one detection setting on the enhanced images (`--threshold`, `--deblend-cont`, with the model's blank-sky
statistics), runs `ganblend.deblend.calibrate_detection(grid=True)` on `--n` validation blends and isolated galaxies
(seed 12345, never used in training or in `ganblend-evaluate`) without the confirmation and with it at each
`sys_frac` (the fractional model error of the confirmation χ²), over a fine grid of `min_dchi2` and the usual
ground-scale S/N cuts (groups linked within `--link` PSF FWHM, default `deblend.CONFIRM_LINK`), and prints the best recognized fraction at false_split ≤ 1.5, 2, 2.5 and 3%.
Used in `nbs/07b_deblend.ipynb` ("Confirming companions on the ground pixels") and `experiments/README.md` to choose `deblend.SYS_FRAC`.
"""
import argparse, time, numpy as np, torch
from ganblend.enhance import load_enhancer
from ganblend import deblend
from ganblend.deblend import calibrate_detection

LIMITS = (0.015, 0.02, 0.025, 0.03)
TAUS = tuple(np.round(np.r_[np.arange(0, 10, 0.5), np.arange(10, 40, 2), np.arange(40, 200, 10)], 2))

def best(tab):
    "Best recognized fraction (and its setting) at each false-split limit, among settings within the blank-sky limit."
    ok = tab[tab['blank_density'] <= 5]
    out = {}
    for lim in LIMITS:
        s = ok[ok['false_split'] <= lim + 1e-12]
        out[lim] = s[int(np.argmax(s['recognized']))] if len(s) else None
    return out

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--weights', default='ganblend/weights/hsc-i'); ap.add_argument('--n', type=int, default=1200)
    ap.add_argument('--threshold', type=float, default=3.0); ap.add_argument('--deblend-cont', type=float, default=0.001)
    ap.add_argument("--sys-frac", default="0,0.2,0.5,1,2,3,5,10"); ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--link', type=float, default=deblend.CONFIRM_LINK)
    a = ap.parse_args()
    deblend.CONFIRM_LINK = a.link  # read by `survival_levels` at each call (and part of the calibration's cache key)
    torch.set_num_threads(a.threads)
    m = load_enhancer(path=a.weights); m.meta.pop('detection', None)
    kw = dict(target=1.0, n=a.n, thresholds=(a.threshold,), deblend_conts=(a.deblend_cont,), grid=True)
    print(f"{a.weights}: threshold {a.threshold:g}, deblend_cont {a.deblend_cont:g}, groups linked within {a.link:g} PSF FWHM, {a.n} validation blends / isolated galaxies")
    print("  best recognized fraction at false_split <= " + ' / '.join(f'{l:.1%}' for l in LIMITS))
    runs = [('no confirmation', dict(confirm=False))] + [(f'sys_frac {float(s):g}', dict(sys_frac=float(s), min_dchi2s=TAUS)) for s in a.sys_frac.split(',')]
    for name, extra in runs:
        t0 = time.time()
        *_, tab = calibrate_detection(m, **kw, **extra)
        b = best(tab)
        cells = [f"{r['recognized']:.3f}" + ('' if np.isnan(r['min_dchi2']) else f" (min_dchi2 {r['min_dchi2']:g})") if r is not None else 'none' for r in b.values()]
        print(f"  {name:16s} " + ' / '.join(cells) + f"   [{time.time() - t0:.0f} s]", flush=True)

if __name__ == '__main__': main()
