"""Held-out image quality of trained enhancers: network vs bicubic upsampling vs Richardson-Lucy deconvolution.

    python benchmarks/eval_weights.py                                  # shipped hsc-i and hsc-grizy weights
    python benchmarks/eval_weights.py --weights runs/hsc-i-cpu/hsc-i   # any weights written by ganblend-train
    python benchmarks/eval_weights.py --population testsky             # the independent population (single band)

Simulates a fresh set with a seed never used for training (default 12345), adds HSC noise, and prints a markdown
table of PSNR / SSIM (skimage.metrics, mean over galaxies and bands) and the total-flux ratio enhanced/true in
electrons (median, and half the 16-84% range). `--population testsky` draws the galaxies from the independent generator
(`ganblend.testsky`: single Sérsic n 0.5-6, knots, irregular galaxies, i 20-25.5) at the model's ground seeing, with
the space images drawn from the same galaxies (`simulate_testsky(space=...)`), never used in training.
"""
import argparse, json, time
from pathlib import Path
import torch
import ganblend
from ganblend.models import load_model
from ganblend.simulate import simulate_pairs
from ganblend.testsky import simulate_testsky
from ganblend.data import PairDataset, Normalizer
from ganblend.metrics import compare_methods

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--weights', nargs='*', help='weights paths without suffix (default: the shipped hsc-i, hsc-grizy)')
    ap.add_argument('--n', type=int, default=1000, help='held-out galaxies per single-band model (multi-band: n/3)')
    ap.add_argument('--seed', type=int, default=12345); ap.add_argument('--rl-iter', default='3,10', help='Richardson-Lucy iterations, comma-separated')
    ap.add_argument('--n-workers', type=int, default=0); ap.add_argument('--json')
    ap.add_argument('--population', default='train', choices=['train', 'testsky'])
    a = ap.parse_args()
    wdir = Path(ganblend.__file__).parent/'weights'
    paths = a.weights or [str(wdir/'hsc-i'), str(wdir/'hsc-grizy')]
    rows, out = [], {}
    for p in paths:
        t0 = time.time()
        m = load_model(p)
        cfg = m.cfg
        n = a.n if cfg.out_bands == 1 else max(a.n//3, 50)
        if a.population == 'testsky':
            if len(cfg.ground_bands) != 1:
                print(f"{Path(p).name}: skipped (testsky pairs are single-band)"); continue
            pairs = simulate_testsky(n, a.seed, seeing=float(cfg.ground_psf_fwhm[0]), regime=(20., 25.5), size=23,
                                     bands=(cfg.ground_bands[0].partition('@')[0],), space=cfg.space_bands[0],
                                     space_size=64, n_workers=max(a.n_workers, 1)).pairs()
        else:
            pairs = simulate_pairs(n, seed=a.seed, space_bands=cfg.space_bands, ground_bands=cfg.ground_bands,
                                   n_workers=a.n_workers, progress=False)
        ds = PairDataset(pairs, split='all', seed=a.seed, augment=False, noise=True)
        res = compare_methods(m, ds, rl_iter=[int(k) for k in a.rl_iter.split(',')], progress=False)
        out[p] = res
        for meth, r in res.items():
            rows.append(f"| {Path(p).name} | {meth} | {r['psnr']:.2f} | {r['ssim']:.3f} | {r['flux_ratio']:.3f} ± {r['flux_ratio_w68']:.3f} |")
        print(f"{Path(p).name}: {n} galaxies, {time.time() - t0:.0f} s", flush=True)
    print(f"\nheld-out set ({a.population}): seed {a.seed}, Richardson-Lucy after {a.rl_iter} iterations\n")
    print("| weights | method | PSNR (dB) | SSIM | flux ratio (median ± w68) |\n|---|---|---|---|---|")
    print('\n'.join(rows))
    if a.json: Path(a.json).write_text(json.dumps(out, indent=1))
