"""Where the flux bias of bright isolated `testsky` galaxies comes from: the median Sérsic-fit bias by galaxy kind
(single Sérsic, Sérsic with knots, irregular multi-component) and Sérsic-index bin, at the true positions.

Usage: python experiments/phot_bias_by_kind.py [--n 1000] [--seeing 0.6 0.85] [--seed 0]

The stamps are those of `benchmarks/phot_populations.py` (bright regime, i 18-22, 41² HSC-i stamps); the fit is
`photometry.fit_fluxes` with the Sérsic profile, as there. A bias that only the knotted or irregular galaxies carry is
the limit of a smooth one-component profile family, not of the fit.
"""
import argparse, sys, warnings
from pathlib import Path
import numpy as np, torch
sys.path.insert(0, str(Path(__file__).resolve().parents[1]/'benchmarks'))
import ganblend.photometry as phot
from ganblend.testsky import simulate_testsky
from phot_populations import N_BINS, REGIMES, fit

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n', type=int, default=1000)
    p.add_argument('--seeing', type=float, nargs='+', default=[0.6, 0.85])
    p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(2); warnings.filterwarnings('ignore')
    mags, size = REGIMES['bright']
    for seeing in a.seeing:
        ts = simulate_testsky(a.n, a.seed, seeing=seeing, regime=mags, blend=False, size=size)
        t = ts.truth
        pos = np.c_[t['x'], t['y']].reshape(a.n, 1, 2)
        F, nn, kind = np.asarray(t['flux'], float), np.asarray(t['sersic_n'], float), np.asarray(t['kind']).astype(str)
        f, e, es, _ = fit(ts.images.astype(np.float64), pos, ts.noise, phot.fit_psf_gmm(ts.psf), 'sersic')
        d = f[:, 0]/F - 1
        print(f'\ntestsky {seeing}" bright isolated: median bias {np.median(d):+.4f} (n={a.n})')
        print(f"{'kind':<14}{'N':>5}{'all':>9}" + ''.join(f"{f'n {lo:g}-{min(hi, 6):g}':>15}" for lo, hi in N_BINS))
        for k in ['all', *sorted(set(kind))]:
            m = np.ones(a.n, bool) if k == 'all' else kind == k
            cells = []
            for lo, hi in N_BINS:
                b = m & (nn >= lo) & (nn < hi)
                cells.append(f"{np.median(d[b]):+.3f} ({b.sum():>3})" if b.sum() >= 10 else '-')
            print(f"{k:<14}{m.sum():>5}{np.median(d[m]):>+9.3f}" + ''.join(f'{c:>15}' for c in cells))

if __name__ == '__main__': main()
