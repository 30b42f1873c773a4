"""Recognized blends per shifted population (`11_coverage`'s `TARGET_POPULATIONS`), for several enhancers.

    python benchmarks/coverage_models.py [--models hsc-i hsc-i-eq] [--n 300] [--seed 100] [--threads 1]

`ganblend.coverage.coverage_experiment` on each model: the same blends (separations 0-1.5", seed 100) drawn from the
training-like, 2.5x larger, clumpy star-forming, bright (i 17.5-20) and faint (i 25.5-26.5) populations, enhanced and
detected with each model's shipped detection settings (no ground-pixel confirmation, as in `11_coverage`). Printed
per population: the recognized fraction on the enhanced image and, once, with sep on the ground image. A model
trained on a wider population should lose less on the shifted ones.
"""
import argparse, warnings
import numpy as np, torch
from ganblend.enhance import load_enhancer
from ganblend.coverage import coverage_experiment, TARGET_POPULATIONS


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--models', nargs='+', default=['hsc-i'])
    ap.add_argument('--n', type=int, default=300); ap.add_argument('--seed', type=int, default=100)
    ap.add_argument('--threads', type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads); warnings.filterwarnings('ignore')
    res, ground = {}, None
    for m in a.models:
        t = coverage_experiment(a.n, a.seed, model=load_enhancer(m))
        pop = np.asarray(t['population'])
        res[m] = {p: float(np.mean(t['rec_enhanced'][pop == p])) for p in TARGET_POPULATIONS}
        ground = {p: float(np.mean(t['rec_ground'][pop == p])) for p in TARGET_POPULATIONS}
    names = list(TARGET_POPULATIONS)
    print(f"{'enhancer':<14}" + ''.join(f'{p[:18]:>20}' for p in names))
    for m, r in res.items(): print(f"{m[-14:]:<14}" + ''.join(f'{r[p]:>20.3f}' for p in names))
    print(f"{'sep on ground':<14}" + ''.join(f'{ground[p]:>20.3f}' for p in names))


if __name__ == '__main__':
    main()
