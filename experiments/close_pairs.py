"""The training set of the close-pair fine-tuning experiment (`experiments/README.md`, "Fine-tuning on close pairs").

    python experiments/close_pairs.py DATA [--n 24000] [--blend-frac 0.6] [--sep-range 0.2 1.0] [--seed 202]

`ganblend.blends.training_pairs(n, blend_frac, seed, sep_range=...)`: single galaxies and two-galaxy blends whose separations
are drawn only from `sep_range` (arcsec), the range where the shipped models still miss pairs that HST resolves.
Written with `ganblend.data.save_pairs` (readable by `ganblend-train --data`). The seed is kept away from those of the
validation (12345, 12346) and evaluation (0-2) sets.
"""
import argparse
from ganblend.blends import training_pairs
from ganblend.data import save_pairs

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('out'); ap.add_argument('--n', type=int, default=24000); ap.add_argument('--blend-frac', type=float, default=0.6)
    ap.add_argument('--sep-range', type=float, nargs=2, default=(0.2, 1.0)); ap.add_argument('--seed', type=int, default=202)
    ap.add_argument('--n-workers', type=int, default=2)
    a = ap.parse_args()
    pairs = training_pairs(a.n, a.blend_frac, seed=a.seed, sep_range=tuple(a.sep_range), n_workers=a.n_workers, progress=False)
    cmd = f'python experiments/close_pairs.py {a.out} --n {a.n} --blend-frac {a.blend_frac:g} --sep-range {a.sep_range[0]:g} {a.sep_range[1]:g} --seed {a.seed}'
    save_pairs(pairs, a.out, extra_meta={'command': cmd, 'blend_frac': float(a.blend_frac), 'sep_range': list(a.sep_range)})
    print(f'wrote {a.n} pairs ({int(round(a.n*a.blend_frac))} blends, separations {a.sep_range[0]:g}-{a.sep_range[1]:g}") to {a.out}')

if __name__ == '__main__': main()
