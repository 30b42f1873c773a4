"""Blend photometry at the positions `ganblend-deblend` finds, on the training simulator and the independent population.

Usage: python benchmarks/phot_deblend_positions.py [--n 150] [--seeing 0.6] [--profile sersic] [--population train testsky]

Each bright two-galaxy blend (i 18-22, separation 0.5-2.0", flux ratio <= 4, HSC-i pixels and noise, 41x41 stamps)
is run through `ganblend.deblend.deblend` with the shipped `hsc-i` model, its PSF image and the sky σ given, as a
user would run `ganblend-deblend`. Detections are matched one-to-one to the true centres within 0.3"
(`detect.match`). Printed per population: the fraction of components found, of blends with both found (recognized),
of blends with a spurious extra source, and the median |Δf/f| of found components (target: <= 0.06), next to the same
fit at the TRUE positions (`photometry.photometry_image`, the same code the pipeline runs) on the same stamps.
Populations: `train` (`blends.simulate_blends`, ground band `hsc-i@<seeing>`) and `testsky`
(`testsky.simulate_testsky`), drawn by `benchmarks/phot_populations.py`'s `population`.
"""
import argparse, time, warnings
import numpy as np, torch
from tqdm import tqdm
from ganblend.deblend import deblend
from ganblend.detect import match
from ganblend.photometry import photometry_image, fit_psf_gmm
from ganblend.core import get_survey
from phot_populations import population   # the same blends as benchmarks/phot_populations.py (this folder)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n', type=int, default=150, help='blends per population')
    p.add_argument('--seeing', type=float, default=0.6)
    p.add_argument('--profile', default='sersic')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--population', nargs='+', default=['train', 'testsky'], choices=['train', 'testsky'])
    a = p.parse_args()
    torch.set_num_threads(a.threads); warnings.filterwarnings('ignore')
    r_match = 0.3/get_survey('hsc-i').pixel_scale
    print(f"{'population':<10}{'found':>7}{'recog':>7}{'extra':>7}{'med|d| found':>14}{'med|d| true pos':>17}{'s/blend':>9}")
    for pop in a.population:
        G, pos, F, _, sig, psf = population(pop, a.seeing, 'bright', True, a.n, a.seed)
        pm = fit_psf_gmm(psf)
        d_found, d_true, n_found, both, extra = [], [], 0, 0, 0
        t0 = time.perf_counter()
        for i in tqdm(range(a.n), desc=pop, leave=False):
            cat = deblend(G[i], 'hsc-i', psf=psf, noise=sig, profile=a.profile, ood=False)
            m = match(np.c_[cat['x'], cat['y']], pos[i], r_match)
            n_found += len(m)
            both += len(m) == 2
            extra += len(cat) > len(m)
            d_found += [float(cat['flux'][j])/F[i, k] - 1 for k, j in m]
        dt = (time.perf_counter() - t0)/a.n
        for i in range(a.n):  # the same photometry at the true positions
            t = photometry_image(G[i], pos[i, :, 0], pos[i, :, 1], pm, sig, profile=a.profile)
            d_true += list(np.asarray(t['flux'])/F[i] - 1)
        print(f"{pop:<10}{n_found/(2*a.n):>7.2f}{both/a.n:>7.2f}{extra/a.n:>7.2f}{np.median(np.abs(d_found)):>14.3f}"
              f"{np.median(np.abs(d_true)):>17.3f}{dt:>9.3f}", flush=True)

if __name__ == '__main__': main()
