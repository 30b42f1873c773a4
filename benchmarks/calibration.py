"""Calibration study of the enhancement uncertainties: coverage68 of pixels and fluxes, p_two reliability.

Usage: nice -n 10 python benchmarks/calibration.py [--n 1000] [--k 16] [--seed 0] [--sampler auto] [--threads 1] [--out DIR]

Simulates two independent splits of N blends and N isolated galaxies (HSC-i noise; seeds SEED and SEED+1), draws K
enhanced samples per stamp with the chosen sampler ('gan': noise ensemble of the shipped GAN, 'flow': shipped flow
model, 'auto': the flow model when shipped), fits the split-conformal factors (pixels, fluxes) and the Platt scaling
of p_two on the first split and prints, for the second split, coverage68 before and after calibration (with 16-84%
bootstrap ranges over stamps), the Brier score / ECE of p_two, and the factors. With --out, also writes the tables
(ECSV), the calibrations (JSON) and the reliability figures (PNG) there.
"""
import argparse, time
from pathlib import Path

import torch
import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt

from ganblend.uncertainty import calibration_study, load_sampler, summary_lines, save_calibration, plot_reliability, plot_p_two, plot_example


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=1000, help='blends (and isolated galaxies) per split')
    ap.add_argument('--k', type=int, default=16, help='samples per stamp')
    ap.add_argument('--seed', type=int, default=0, help='calibration split seed (test split: seed + 1)')
    ap.add_argument('--sampler', default='auto', choices=['auto', 'gan', 'flow'])
    ap.add_argument('--threads', type=int, default=1, help='torch CPU threads')
    ap.add_argument('--out', default=None, help='directory for tables, calibrations and figures')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    t0 = time.perf_counter()
    sampler = load_sampler(a.sampler)
    st = calibration_study(n=a.n, seed=a.seed, sampler=sampler, k=a.k, progress=True)
    print(f"sampler: {sampler.name}; n={a.n} blends + {a.n} isolated per split, k={a.k}, seed={a.seed}; "
          f"detection {st.meta['detection']}; {time.perf_counter() - t0:.0f} s")
    print(summary_lines(st))
    if a.out:
        out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
        for name in ('summary', 'reliability', 'detection', 'p_two', 'flux'):
            getattr(st, name).write(out/f'{name}.ecsv', format='ascii.ecsv', overwrite=True)
        save_calibration({k: c for k, c in st.calibrations.items() if k in ('pixels', 'fluxes')}, out/'calibration.json',
                         overwrite=True, meta={k: v for k, v in st.meta.items() if k != 'calibrations'})
        for name, fig in (('reliability', plot_reliability(st)), ('p_two', plot_p_two(st)), ('example', plot_example(st, 0))):
            fig.savefig(out/f'{name}.png'); plt.close(fig)
        print(f"wrote tables, calibration.json and figures to {out}")


if __name__ == '__main__':
    main()
