"""How many close pairs could be recognized at all: the pipeline against ceilings set by perfect knowledge.

Usage: python benchmarks/close_pairs_ceiling.py [--n 300] [--seeing 0.6 0.85] [--population train testsky]
                                               [--mags 20 25.5] [--threads 2] [--seed 0]

The blends are those of `benchmarks/seeing.py` (same seeds, 0.3-1.5" apart, flux ratio <= 4, i between `--mags`, HSC-i
pixels and noise, the stamp's PSF), with each galaxy also drawn alone and noiseless (its TRUE profile on the ground
pixels: `BlendSet.ground_parts`, `TestSkySet.parts`). Rows, each the fraction of pairs recognized:
- `pipeline`: what `ganblend-deblend` does (`seeing.py`'s `bank` variant: the model of the nearest seeing, PSF matching,
  detection on the enhanced stamp, confirmation);
- `true pos`: the TRUE positions through the shipped confirmation (`deblend._removal_dchi2`: exponential profiles
  refitted at the two positions, the model's `sys_frac` and `min_dchi2`): what a perfect detector would keep;
- `true prof`: the same test with the two-source model made of the TRUE profiles (amplitudes fitted): no position or
  profile error at all; the one-source alternatives are the confirmation's, and so is the threshold;
- `arbiter oracle`: the one-against-two model comparison with Sérsic photometry as the arbiter, at the TRUE positions:
  S = χ²(best single Sérsic galaxy) − χ²(two Sérsic galaxies started at the true positions); a pair is recognized when
  S ≥ T, with T set on the isolated galaxies of the TRAINING simulator at this seeing (their S from split proposals,
  below) so that 3% of them split. This is the ceiling of part 4's arbiter at the false-split limit;
- `pipe+arbiter`: a method: where the pipeline finds ONE source in a stamp, the arbiter fits a single Sérsic galaxy there
  and two from 15 split proposals about it (the single fit's major axis and four fixed directions, half-separations
  0.9, 1.8 and 3 pixels), and splits it when S ≥ T; T is the lowest with pipeline + arbiter false splits ≤ 3% on the
  training simulator's isolated galaxies (`testsky` uses the training T). Recognized: the two fitted positions match
  the true ones within 0.3";
- `pixels 3σ`: the evidence in the pixels alone, with no model error and no threshold set by invented companions:
  χ²(best single Sérsic galaxy, fitted freely from three starts) − χ²(the true pair) ≥ 9, with the sky noise only.
  9 is the 2.9% tail of χ² with 3 degrees of freedom: the evidence a test needs to split no more than ~3% of single
  galaxies even when it knows them exactly. A method may recognize more by accepting weaker evidence, at the cost
  of more false splits.
`f_split`: isolated galaxies with two or more sources (the arbiter rows at their T; `seeing.py` has the same for
`pipeline` with 1,000 isolated galaxies). Columns: all pairs, by separation, by the magnitude of the fainter galaxy,
and by separation for the bright pairs (fainter galaxy i < 23). `--out FILE.ecsv` keeps one row per blend. The threshold of `pipeline` and `true
pos` is the one that keeps false splits ≤ 2% on the training simulator (`benchmarks/seeing.py` gives the false splits).
"""
import argparse, sys, time, warnings
from pathlib import Path
import numpy as np, torch

sys.path.insert(0, str(Path(__file__).parent))
from seeing import PS, run, population   # the blends and the pipeline of the seeing benchmark

from ganblend.deblend import resolve_detection, confirmation_noise, _removal_dchi2
from ganblend.enhance import enhancer_for
from ganblend.photometry import fit_fluxes, render_stamps
from ganblend.analysis import score_blends

SEP_BINS = [(0.3, 0.6), (0.6, 0.9), (0.9, 1.5)]
MAG_BINS = [(20, 23), (23, 24.5), (24.5, 26)]
FALSE_SPLIT = 0.03
HALF_SEPS = (0.9, 1.8, 3.0)   # pixels: half-separations of the split proposals
PIXEL_DCHI2 = 9.0   # 3σ: the 2.9% tail of χ² with 3 degrees of freedom (a second source's flux and position)

def true_pair_fit(G, parts):
    "Least-squares amplitudes of the two true profiles: (model of the pair, each scaled profile (n, 2, h, w))."
    A = parts.reshape(len(G), 2, -1)
    M = np.einsum('nip,njp->nij', A, A)
    b = np.einsum('nip,np->ni', A, G.reshape(len(G), -1))
    a = np.linalg.solve(M + 1e-12*np.eye(2), b[..., None])[..., 0]
    each = a[:, :, None, None]*parts
    return each.sum(1), each

def true_profile_levels(G, m2, each, xy, pm, sig, sys_frac):
    """Survival level of the pair when its two-source model is the true profiles (`true_pair_fit`: model `m2`, each
    galaxy `each`): min over the two sources of the confirmation's Δχ² of removing it (the other refitted alone, as
    `_removal_dchi2` does)."""
    s = np.full(G.shape, float(sig))
    lv = np.full(len(G), np.inf)
    for r in (0, 1):
        o = 1 - r
        t = fit_fluxes(G, xy[:, [o]], pm, s)   # the confirmation's one-source fit (exponential profile)
        m1 = render_stamps(G.shape[1:], np.c_[t['x'], t['y']].reshape(-1, 1, 2), pm,
                           np.asarray(t['flux'], float).reshape(-1, 1), np.asarray(t['hlr'], float).reshape(-1, 1),
                           np.c_[t['g1'], t['g2']].reshape(-1, 1, 2))
        s2 = confirmation_noise(each[:, o], s, sys_frac)**2
        lv = np.minimum(lv, (((G - m1)**2 - (G - m2)**2)/s2).sum((1, 2)))
    return lv

def _fit(G, pos, pm, sig, prior=2.0):
    "Sérsic fit of every stamp with sources started at `pos` (N, k, 2): (data χ² (N,), fitted positions (N, k, 2), table)."
    t = fit_fluxes(G, pos, pm, sig, profile='sersic', pos_prior=prior)
    k = pos.shape[1]
    chi = np.asarray(t['chi2'], float).reshape(-1, k)[:, 0]
    return np.nan_to_num(chi, nan=np.inf), np.c_[t['x'], t['y']].reshape(-1, k, 2), t

def best_single(G, starts, pm, sig):
    "The best single Sérsic galaxy from several starts ((N, 2) each): (χ², position (N, 2), shear (N, 2))."
    best, xy, g = np.full(len(G), np.inf), np.full((len(G), 2), np.nan), np.zeros((len(G), 2))
    for st in starts:
        chi, p, t = _fit(G, st[:, None], pm, sig, prior=3.0)
        up = chi < best
        best[up], xy[up], g[up] = chi[up], p[up, 0], np.c_[t['g1'], t['g2']][up]
    return best, xy, g

def pixel_evidence(G, parts, m2, xy, pm, sig):
    "χ²(best single Sérsic galaxy, three starts, positions free) − χ²(the true pair `m2`), sky noise only."
    w = parts.sum((2, 3))
    starts = [xy[:, 0], xy[:, 1], (w[:, :, None]*xy).sum(1)/w.sum(1)[:, None]]
    return best_single(G, starts, pm, sig)[0] - (((G - m2)/sig)**2).sum((1, 2))

def split_proposals(xy, g):
    "Two-source starts about single-galaxy positions (N, 2): its major axis and four fixed directions (list of (N, 2, 2))."
    beta = 0.5*np.arctan2(g[:, 1], g[:, 0])
    out = []
    for ang in [beta] + [np.full(len(xy), a) for a in np.deg2rad([0, 45, 90, 135])]:
        u = np.c_[np.cos(ang), np.sin(ang)]
        for d in HALF_SEPS: out.append(np.stack([xy - d*u, xy + d*u], 1))
    return out

def best_pair(G, proposals, pm, sig):
    "The best two Sérsic galaxies over the proposals: (χ², positions (N, 2, 2))."
    best, xy = np.full(len(G), np.inf), np.full((len(G), 2, 2), np.nan)
    for pr in proposals:
        chi, p, _ = _fit(G, pr, pm, sig)
        up = chi < best
        best[up], xy[up] = chi[up], p[up]
    return best, xy

def peak_starts(G):
    "Starts without truth: the brightest pixel of the central half and the light-weighted centre of the stamp."
    h, w = G.shape[1:]
    c = G[:, h//4:h - h//4, w//4:w - w//4]
    iy, ix = np.unravel_index(c.reshape(len(G), -1).argmax(1), c.shape[1:])
    yy, xx = np.mgrid[:h, :w]
    wt = np.clip(G, 0, None) + 1e-9
    return [np.c_[ix + w//4, iy + h//4].astype(float),
            np.c_[(wt*xx).sum((1, 2))/wt.sum((1, 2)), (wt*yy).sum((1, 2))/wt.sum((1, 2))]]

def arbiter_no_truth(G, one, pm, sig):
    """S and the best pair of stamps where the pipeline found one source at `one` (N, 2) (NaN: not one source)."""
    S, pair = np.full(len(G), -np.inf), np.full((len(G), 2, 2), np.nan)
    ok = np.isfinite(one).all(1)
    if ok.any():
        c1, xy1, g1 = best_single(G[ok], [one[ok]] + [st[ok] for st in peak_starts(G)], pm, sig)
        c2, p2 = best_pair(G[ok], split_proposals(xy1, g1), pm, sig)
        S[ok], pair[ok] = c1 - c2, p2
    return S, pair

def threshold(S_iso, already, target=FALSE_SPLIT):
    "The lowest T with mean(already | S_iso ≥ T) ≤ target (∞ if `already` alone exceeds it)."
    for T in np.sort(np.unique(np.r_[S_iso[np.isfinite(S_iso)], np.inf])):
        if np.mean(already | (S_iso >= T)) <= target: return float(T)
    return np.inf

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=300); ap.add_argument('--n-iso', type=int, default=1000)
    ap.add_argument('--seeing', type=float, nargs='+', default=[0.6, 0.85])
    ap.add_argument('--population', nargs='+', default=['train', 'testsky'], choices=['train', 'testsky'])
    ap.add_argument('--mags', type=float, nargs=2, default=(20.0, 25.5)); ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=0); ap.add_argument('--out', default=None)
    a = ap.parse_args()
    torch.set_num_threads(a.threads); warnings.filterwarnings('ignore')
    from astropy.table import Table, vstack
    keep, r = [], 0.3/PS
    cols = ([f'{lo:g}-{hi:g}"' for lo, hi in SEP_BINS] + [f'i {lo:g}-{hi:g}' for lo, hi in MAG_BINS]
            + [f'b {lo:g}-{hi:g}"' for lo, hi in SEP_BINS])
    print(f"{'population':<10}{'seeing':>7} {'model':<12}{'row':<15}{'f_split':>8}{'all':>6}"
          + ''.join(f'{c:>11}' for c in cols) + f"{'s':>6}")
    for s in a.seeing:
        T = {}   # thresholds set on the training simulator at this seeing
        for pop in ['train'] + [p for p in a.population if p != 'train']:
            t0 = time.perf_counter()
            G, xy, _, sep, Gi, sig, psf, parts, faint = population(pop, s, a.n, a.mags, a.seed, a.n_iso, parts=True)
            G, Gi, parts, psf = G.astype(np.float64), Gi.astype(np.float64), parts.astype(np.float64), psf/psf.sum()
            m2, each = true_pair_fit(G, parts)
            (pos, pos_i), label, pm = run('bank', G.astype(np.float32), Gi.astype(np.float32), sig, psf)
            conf = resolve_detection(enhancer_for(label), 'hsc-i', 'sep').confirm
            sc = score_blends([Table(dict(x=p[:, 0], y=p[:, 1])) for p in pos], xy, r)
            rec_pipe = np.asarray(sc['recognized'], bool)
            two_i = np.array([len(p) >= 2 for p in pos_i])
            rows = {'pipeline': (rec_pipe, two_i.mean())}
            full = np.full(G.shape, float(sig))
            rows['true pos'] = (_removal_dchi2(G, full, xy, 2, pm, conf['sys_frac']).min(1) >= conf['min_dchi2'], None)
            rows['true prof'] = (true_profile_levels(G, m2, each, xy, pm, sig, conf['sys_frac']) >= conf['min_dchi2'], None)
            # the arbiter at the true positions, its threshold from split proposals on isolated galaxies
            c1, xy1, g1 = best_single(Gi, peak_starts(Gi), pm, sig)
            S_iso = c1 - best_pair(Gi, split_proposals(xy1, g1), pm, sig)[0]
            if pop == 'train': T['oracle'] = threshold(S_iso, np.zeros(len(Gi), bool))
            S_true = best_single(G, [xy[:, 0], xy[:, 1]] + peak_starts(G), pm, sig)[0] - _fit(G, xy, pm, sig)[0]
            rows['arbiter oracle'] = (S_true >= T['oracle'], np.mean(S_iso >= T['oracle']))
            # the arbiter on the pipeline's single detections
            one = lambda P: np.array([p[0] if len(p) == 1 else [np.nan, np.nan] for p in P], float).reshape(-1, 2)
            S_i, _ = arbiter_no_truth(Gi, one(pos_i), pm, sig)
            if pop == 'train': T['pipe'] = threshold(S_i, two_i)
            S_b, pair = arbiter_no_truth(G, one(pos), pm, sig)
            ok_pair = np.asarray(score_blends([Table(dict(x=p[:, 0], y=p[:, 1])) for p in pair], xy, r)['recognized'], bool)
            rows['pipe+arbiter'] = (rec_pipe | ((S_b >= T['pipe']) & ok_pair), np.mean(two_i | (S_i >= T['pipe'])))
            rows['pixels 3σ'] = (pixel_evidence(G, parts, m2, xy, pm, sig) >= PIXEL_DCHI2, None)
            if pop not in a.population: continue
            sel = [(sep >= lo) & (sep < hi) for lo, hi in SEP_BINS] + [(faint >= lo) & (faint < hi) for lo, hi in MAG_BINS]
            sel += [m & (faint < 23) for m in sel[:len(SEP_BINS)]]
            for name, (ok, fs) in rows.items():
                fss = f'{100*fs:>7.1f}%' if fs is not None else f'{"":>8}'
                print(f"{pop:<10}{s:>7.2f} {label:<12}{name:<15}{fss}{ok.mean():>6.2f}"
                      + ''.join(f'{ok[m].mean():>11.2f}' if m.any() else f'{"-":>11}' for m in sel)
                      + f"{time.perf_counter() - t0:>6.0f}", flush=True)
            print(f"{'':<49}" + ''.join(f'{f"(n={m.sum()})":>11}' for m in sel)
                  + f"   T oracle {T['oracle']:.1f}, T pipe {T['pipe']:.1f}", flush=True)
            keep.append(Table(dict(population=[pop]*len(G), seeing=np.full(len(G), s), model=[label]*len(G),
                                   separation=sep, mag_faint=faint, S_true=S_true, S_pipe=S_b,
                                   **{k.replace(' ', '_').replace('σ', 'sigma').replace('+', '_'): v[0]
                                      for k, v in rows.items()})))
    if a.out: vstack(keep).write(a.out, format='ascii.ecsv', overwrite=True)

if __name__ == '__main__': main()
