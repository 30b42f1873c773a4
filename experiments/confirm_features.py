"""Do the companions the enhancer invents on isolated galaxies differ from real companions in more than their survival level?

    python experiments/confirm_features.py [--weights hsc-i] [--n 600] [--out runs/confirm_features.npz]

On the validation simulations of `calibrate_detection` (isolated seed 12345, blends seed 12346, noise
`default_rng(12345)`), runs the enhancer's shipped detection without its `min_dchi2` and records, for every source, its
survival level on the ground pixels (`deblend.survival_levels`) and what the enhanced image says about it: sep's size
(`a`, `b`, `npix`), its isophotal flux as a fraction of the brightest source of the stamp, its distance to that source
(ground-PSF FWHMs) and the saddle contrast (lowest enhanced surface brightness on the segment to the brightest source,
over the source's own peak; 1 = no dip). Prints, for each feature, the best recognized fraction at false_split <= 2%
when a cut on that feature is added to the survival threshold, against the survival threshold alone.
"""
import argparse, numpy as np
from scipy.ndimage import map_coordinates
from ganblend.deblend import detect_enhanced, survival_levels, ground_positions, enhanced_detection_image
from _validation import validation_set, add_args

TAUS = (0, 2, 4, 6, 9, 12, 16, 20, 25, 30, 36, 50, 75, np.inf)
FEATURES = ('a', 'b', 'npix', 'flux_frac', 'dist', 'saddle', 'snr_ground')

def saddle(img, p, q, n=25):
    "Lowest value of `img` on the segment p→q over the value at p (both from a 3×3 box), 1 when p is the brightest."
    t = np.linspace(0, 1, n)
    line = map_coordinates(img, [p[1] + t*(q[1] - p[1]), p[0] + t*(q[0] - p[0])], order=1)
    return float(line.min()/max(line[0], 1e-12))

def features(E, G, m, det, sys_frac, noise, psf, sc, truth=None, r=None):
    "Per stamp: a dict of per-source arrays (features, survival level, and whether it matches a true galaxy)."
    n_g, n_e = G.shape[-1], E.shape[-1]
    D = [detect_enhanced(x, noise, m, **det) for x in E]
    L = survival_levels(G, ground_positions(D, n_g, n_e, sc), psf, noise, sys_frac)
    out = []
    for i, (d, l) in enumerate(zip(D, L)):
        img, _ = enhanced_detection_image(E[i], noise, m)
        x, y = np.asarray(d['x'], float), np.asarray(d['y'], float)
        fi = np.asarray(d['flux_iso'], float); k = int(np.argmax(fi)) if len(d) else 0
        f = dict(level=np.asarray(l, float), a=np.asarray(d['a'], float), b=np.asarray(d['b'], float),
                 npix=np.asarray(d['npix'], float), flux_frac=fi/max(fi.max(initial=0), 1e-12),
                 dist=np.hypot(x - x[k], y - y[k])/(psf.fwhm*sc) if len(d) else np.zeros(0),
                 saddle=np.array([1.0 if j == k else saddle(img, (x[j], y[j]), (x[k], y[k])) for j in range(len(d))]),
                 snr_ground=np.asarray(d['snr_ground'], float))
        if truth is not None:
            f['near'] = np.hypot(x[:, None] - truth[i, :, 0], y[:, None] - truth[i, :, 1]) <= r
        out.append(f)
    return out

def rates(S, keep, truth):
    "false_split (isolated) or recognized (blends) with a per-source keep mask function."
    res = []
    for f in S:
        kp = keep(f)
        if not truth: res.append(kp.sum() >= 2)
        else:
            nr = f['near'] & kp[:, None]
            res.append(any(a != c for a in np.flatnonzero(nr[:, 0]) for c in np.flatnonzero(nr[:, 1])))
    return float(np.mean(res))

def main():
    ap = add_args(argparse.ArgumentParser(description=__doc__.splitlines()[0]))
    ap.add_argument('--out', default=None)
    ap.add_argument('--threshold', type=float, default=None, help='sep threshold instead of the shipped one')
    ap.add_argument('--deblend-cont', type=float, default=None, help="sep's deblending contrast instead of the shipped one")
    ap.add_argument('--min-snr-ground', type=float, default=None, help='ground-scale S/N cut instead of the shipped one')
    a = ap.parse_args(); v = validation_set(a.weights, a.n, a.threads)
    m, noise, gi, gb, ei, eb, det, conf, psf, sc, xy, r, bl = v.m, v.noise, v.gi, v.gb, v.ei, v.eb, v.det, v.conf, v.psf, v.sc, v.xy, v.r, v.bl
    for k in ('threshold', 'deblend_cont', 'min_snr_ground'):
        if getattr(a, k) is not None: det[k] = getattr(a, k)
    SI = features(ei, gi, m, det, conf['sys_frac'], noise, psf, sc)
    SB = features(eb, gb, m, det, conf['sys_frac'], noise, psf, sc, xy, r)
    if a.out:
        flat = lambda S, c: np.concatenate([f[c] for f in S])
        np.savez(a.out, **{f'{w}_{c}': flat(S, c) for w, S in (('iso', SI), ('bl', SB)) for c in SI[0]},
                 **{f'{w}_count': np.array([len(f['level']) for f in S]) for w, S in (('iso', SI), ('bl', SB))},
                 bl_near=np.concatenate([f['near'] for f in SB]), separation=np.asarray(bl.truth['separation']))
    print(f"{a.weights}, {a.n} validation galaxies; detection {det}")
    best = lambda keeps: max(((rates(SB, k, True), name) for name, k in keeps if rates(SI, k, False) <= 0.02), default=(np.nan, ''))
    one = best([(f'min_dchi2 {t:g}', lambda f, t=t: f['level'] >= t) for t in TAUS])
    print(f"survival threshold alone: recognized {one[0]:.3f} ({one[1]})")
    for c in FEATURES:
        allv = np.concatenate([f[c] for f in SI + SB]); qs = np.unique(np.quantile(allv, np.linspace(0, 1, 21)))
        keeps = []
        for t in TAUS:
            for q in qs:
                for sgn in (1, -1):  # a challenged source stays if it survives to t and sgn * feature >= sgn * q; the survivor of each group always stays
                    keeps.append((f'min_dchi2 {t:g}, {c} {">=" if sgn > 0 else "<="} {q:.3g}',
                                  lambda f, t=t, q=q, sgn=sgn, c=c: np.isinf(f['level']) | ((f['level'] >= t) & (sgn*f[c] >= sgn*q))))
        b = best(keeps)
        print(f"+ cut on {c:10s}: recognized {b[0]:.3f} ({b[1]})", flush=True)

if __name__ == '__main__': main()
