"""Would a survival threshold that depends on the pair's separation beat the single `min_dchi2`?

    python experiments/confirm_by_distance.py [--weights hsc-i] [--n 600]

On the validation simulations of `calibrate_detection` (isolated seed 12345, blends seed 12346, noise
`default_rng(12345)`), the enhancer's shipped detection (without its `min_dchi2`) and the survival levels of
`deblend.survival_levels`. A pair of sources passes if both levels are ≥ `tau_near` when the pair is closer than
`D` ground-PSF FWHMs, else ≥ `tau_far`. Prints the best recognized fraction at false_split ≤ 2% for the single
threshold (`tau_near` = `tau_far`) and for the best (D, tau_near, tau_far), and the isolated galaxies split at
survival level ≥ 4 (pair separation in FWHMs, level). Offline: the ground-scale S/N cut stays at the shipped value.
"""
import argparse, numpy as np
from ganblend.deblend import detect_enhanced, survival_levels, ground_positions
from _validation import validation_set, add_args

TAUS = (0, 2, 4, 6, 9, 12, 16, 20, 25, 30, 36, 50, 75, np.inf)

def main():
    a = add_args(argparse.ArgumentParser(description=__doc__.splitlines()[0])).parse_args()
    v = validation_set(a.weights, a.n, a.threads)
    m, noise, gi, gb, ei, eb, det, conf, psf, sc, xy, r = v.m, v.noise, v.gi, v.gb, v.ei, v.eb, v.det, v.conf, v.psf, v.sc, v.xy, v.r
    n_g, n_e = gb.shape[-1], eb.shape[-1]
    def pairs(E, G, truth=None):  # per stamp: (separation / FWHM, level a, level b) of the pairs that count
        D = [detect_enhanced(x, noise, m, **det) for x in E]
        P = ground_positions(D, n_g, n_e, sc)
        L = survival_levels(G, P, psf, noise, conf['sys_frac'])
        out = []
        for i, (d, p, l) in enumerate(zip(D, P, L)):
            if truth is None: ij = [(u, v) for u in range(len(p)) for v in range(u + 1, len(p))]
            else:
                near = np.hypot(np.asarray(d['x'], float)[:, None] - truth[i, :, 0], np.asarray(d['y'], float)[:, None] - truth[i, :, 1]) <= r
                ij = [(u, v) for u in np.flatnonzero(near[:, 0]) for v in np.flatnonzero(near[:, 1]) if u != v]
            out.append([(np.hypot(*(p[u] - p[v]))/psf.fwhm, l[u], l[v]) for u, v in ij])
        return out
    PI, PB = pairs(ei, gi), pairs(eb, gb, xy)
    rate = lambda P, tn, tf, D: np.mean([any(min(la, lb) >= (tn if d < D else tf) for d, la, lb in s) for s in P])
    one = max((rate(PB, t, t, 0), t) for t in TAUS if rate(PI, t, t, 0) <= 0.02)
    print(f"{a.weights}, {a.n} validation galaxies; detection {det}")
    print(f"single min_dchi2 {one[1]:g}: recognized {one[0]:.3f} at false_split <= 2%")
    best = max((rate(PB, tn, tf, D), D, tn, tf) for D in (1.0, 1.25, 1.5, 1.75, 2.0, 2.5) for tn in TAUS for tf in TAUS
               if rate(PI, tn, tf, D) <= 0.02)
    print(f"best separation-dependent: recognized {best[0]:.3f} (D {best[1]:g} FWHM, tau_near {best[2]:g}, tau_far {best[3]:g})")
    split = sorted((round(float(q[0]), 2), round(float(min(q[1], q[2])), 1)) for q in (max(s, key=lambda q: min(q[1], q[2])) for s in PI if s) if min(q[1], q[2]) >= 4)
    print(f"isolated galaxies split at level >= 4 (separation / FWHM, level): {split}")

if __name__ == '__main__': main()
