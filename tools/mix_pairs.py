"""The training set of the blend-aware fine-tuning of the shipped `hsc-i` (`experiments/README.md`, "Training with blends").

    python tools/mix_pairs.py DATA [--n 24000] [--blend-frac 0.5] [--seeing FWHM]

Single galaxies `simulate_pairs(n_single, seed=101)` and two-galaxy blends `simulate_blends(n_blend, seed=102)`,
shuffled with `default_rng(103)` (`ganblend.blends.mix_pairs`), written with `ganblend.data.save_pairs` (readable by `ganblend-train --data`).
`ganblend.blends.training_pairs` / `ganblend-simulate --blend-frac` make the same kind of set with their own seeds;
this script reproduces the shipped model's training set exactly. `--seeing` renders the same galaxies with the ground
PSF at another FWHM (arcsec; band key 'hsc-i@FWHM'), the training sets of the seeing bank `hsc-i@0.85`, `hsc-i@1`.
"""
import argparse, numpy as np
from ganblend.simulate import simulate_pairs
from ganblend.blends import simulate_blends, mix_pairs
from ganblend.data import save_pairs

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('out'); ap.add_argument('--n', type=int, default=24000); ap.add_argument('--blend-frac', type=float, default=0.5)
    ap.add_argument('--n-workers', type=int, default=2); ap.add_argument('--seeing', type=float, default=None)
    a = ap.parse_args()
    nb = int(round(a.n*a.blend_frac)); ns = a.n - nb
    gb = ('hsc-i' if a.seeing is None else f'hsc-i@{a.seeing:g}',)
    pairs = mix_pairs(simulate_pairs(ns, seed=101, ground_bands=gb, n_workers=a.n_workers, progress=False),
                      simulate_blends(nb, seed=102, ground_bands=gb, n_workers=a.n_workers, progress=False),
                      np.random.default_rng(103).permutation(a.n))
    cmd = f'python tools/mix_pairs.py {a.out} --n {a.n} --blend-frac {a.blend_frac:g}' + (f' --seeing {a.seeing:g}' if a.seeing else '')
    save_pairs(pairs, a.out, extra_meta={'command': cmd,
                                         'blend_frac': float(a.blend_frac)})
    print(f'wrote {a.n} pairs ({nb} blends) to {a.out}')

if __name__ == '__main__': main()
