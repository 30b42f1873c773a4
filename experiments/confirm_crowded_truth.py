"""Units against whole-group elimination on crops of a crowded field, scored against the truth.

Usage: python experiments/confirm_crowded_truth.py --side 130 --seed 2   (seeds 1-4 at sides 100, 130, 130, 130)

Simulates a SIDE x SIDE HSC-i crop at 600 galaxies per arcmin² to i = 27 (`survey.simulate_mosaic`), detects the
candidates on the enhanced image with the shipped `hsc-i` model (no confirmation), and confirms them three ways:
units with `stop_at` (what `deblend` runs), units without it, and whole-group elimination (`max_group` unlimited,
slow: its cost grows faster than the cube of the group size). For each it prints the time, the kept candidates, how
many match a true galaxy within 0.3" (one to one) by magnitude bin, and how many match none.
"""
import argparse, time
import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist

from ganblend import deblend as D, photometry as P
from ganblend.enhance import load_enhancer
from ganblend.fields import simulate_mosaic


def match(det, truth, radius):
    "Indices (det, truth) of the one-to-one matches within `radius` (Hungarian on distance)."
    if not len(det) or not len(truth): return np.zeros(0, int), np.zeros(0, int)
    c = cdist(det, truth)
    i, j = linear_sum_assignment(c)
    ok = c[i, j] < radius
    return i[ok], j[ok]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--side', type=int, default=130, help='crop side (HSC-i pixels)')
    ap.add_argument('--seed', type=int, default=2)
    a = ap.parse_args()
    n = int(600*(a.side*0.168/60)**2)
    im, truth = simulate_mosaic((a.side, a.side), n=n, seed=a.seed, mag_range=(18., 27.), margin=0)
    model = load_enhancer('hsc-i')
    noise = float(im.header['NOISE'])
    cat = D.deblend(im, model=model, noise=noise, ood=False, confirm=False)
    pos = np.c_[cat['x'], cat['y']]
    psf = D.psf_mixture(D.ground_psf(D.as_image(im.data, 'hsc-i'), 'hsc-i'))
    conf = D.resolve_detection(model).confirm
    tx, mag = np.c_[truth['x'], truth['y']], np.asarray(truth['mag'])
    grp = P.blend_groups(pos[:, 0], pos[:, 1], D.CONFIRM_LINK*psf.fwhm)
    print(f"side {a.side} seed {a.seed}: {len(pos)} candidates, largest group {np.bincount(grp).max()}, "
          f"min_dchi2 {conf['min_dchi2']}")
    radius = 0.3/0.168
    ways = (('units, stop_at', dict(stop_at=conf['min_dchi2'])), ('units', {}), ('whole groups', dict(max_group=10**9)))
    for name, kw in ways:
        t0 = time.time()
        lv = D.survival_levels([im.data], [pos], psf, noise, conf['sys_frac'], **kw)[0]
        keep = lv >= conf['min_dchi2']
        i, j = match(pos[keep], tx, radius)
        m = mag[j]
        print(f"  {name:<15}{time.time() - t0:6.1f} s, kept {keep.sum()}: matched {len(i)} (i < 24: {(m < 24).sum()}, "
              f"24-25: {((m >= 24) & (m < 25)).sum()}, > 25: {(m >= 25).sum()}), unmatched {keep.sum() - len(i)}")
    i, _ = match(pos, tx, radius)
    print(f"  no confirmation: matched {len(i)}, unmatched {len(pos) - len(i)}")


if __name__ == '__main__':
    main()
