"""Bright blends and bright isolated galaxies through `ganblend.deblend.deblend`, for one enhancer's weights.

Usage: python experiments/bright_blends_by_model.py [--n 100] [--seeing 0.6] [--weights hsc-i | PATH]

Question: did the blank-sky fine-tune of `hsc-i` (commit 2c94aa3) lose bright pairs? Run it on the shipped weights and
on the previous ones, extracted with
    git show 2c94aa3~1:ganblend/weights/hsc-i.json > /tmp/old/hsc-i.json
    git show 2c94aa3~1:ganblend/weights/hsc-i.safetensors > /tmp/old/hsc-i.safetensors
and `--weights /tmp/old/hsc-i`. Both use the detection settings shipped with them. The stamps are those of
`benchmarks/phot_deblend_positions.py` (i 18-22, 0.5-2.0", flux ratio <= 4, 41x41 HSC-i pixels; isolated galaxies of
the same regime with seed 1), on the training simulator and the independent population (`testsky`).
Printed per population: recognized (both galaxies found within 0.3"), blends with an extra source, and isolated galaxies
reported as more than one source.
"""
import argparse, sys, warnings
from pathlib import Path
import numpy as np, torch
sys.path.insert(0, str(Path(__file__).parents[1]/'benchmarks'))
from phot_populations import population   # the stamps of benchmarks/phot_deblend_positions.py
from ganblend.deblend import deblend, shipped_detection
from ganblend.enhance import load_enhancer
from ganblend.detect import match
from ganblend.core import get_survey

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n', type=int, default=100)
    p.add_argument('--seeing', type=float, default=0.6)
    p.add_argument('--weights', default='hsc-i', help="shipped name or weights path without suffix")
    p.add_argument('--list', action='store_true', help="print the offsets of the extra sources of split isolated galaxies")
    a = p.parse_args()
    torch.set_num_threads(1)
    warnings.filterwarnings('ignore')
    m = load_enhancer(a.weights) if a.weights == 'hsc-i' else load_enhancer(path=a.weights)
    print(a.weights, shipped_detection(m))
    r = 0.3/get_survey('hsc-i').pixel_scale
    for pop in ('train', 'testsky'):
        G, pos, _, _, sig, psf = population(pop, a.seeing, 'bright', True, a.n, 0)
        both = extra = 0
        for i in range(a.n):
            cat = deblend(G[i], 'hsc-i', model=m, psf=psf, noise=sig, ood=False)
            mm = match(np.c_[cat['x'], cat['y']], pos[i], r)
            both += len(mm) == 2
            extra += len(cat) > len(mm)
        Gi, posi = population(pop, a.seeing, 'bright', False, a.n, 1)[:2]
        split = 0
        for i in range(a.n):
            cat = deblend(Gi[i], 'hsc-i', model=m, psf=psf, noise=sig, ood=False)
            split += len(cat) > 1
            if a.list and len(cat) > 1:
                d = np.hypot(cat['x'] - posi[i, 0, 0], cat['y'] - posi[i, 0, 1])
                print(f"  {pop} isolated {i}: sources at {np.round(np.sort(d), 1)} px from the centre")
        print(f"{pop:<8} {a.seeing}\": recognized {both/a.n:.2f}  blends with an extra source {extra/a.n:.2f}  "
              f"isolated split {split/a.n:.2f}", flush=True)

if __name__ == '__main__': main()
