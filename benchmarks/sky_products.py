"""Blank sky, tile seams, shift consistency and mosaic flux of the enhanced image, for each shipped enhancer.

What a survey scientist checks before putting an enhanced image next to the survey's own products:

- **blank-sky mean**: the mean of the enhanced image of pure Gaussian noise, on fields of several sizes; zero for an
  unbiased enhancer. Unit: the ground noise σ per ground pixel, i.e. the enhanced image's surface brightness summed
  over one ground pixel's area (2.8² = 7.84 space pixels) over the ground image's per-pixel σ; this is the unit of the
  models' `sky_level` (divide by 7.84 for one space pixel's value);
- **seams**: the enhanced blank sky averaged over rows (and columns) and folded on the tiling period (tile − overlap
  ground pixels); the peak-to-peak range of that profile in σ, with its noise (the same statistic of a profile folded on
  a period with no tile structure);
- **shift consistency** (GAN generators): a simulated field, and the same shifted by k ground pixels; the two fine-grid
  predictions (`fine` sub-pixels per ground pixel, so every whole-pixel shift is exact) differ on source pixels by
  this fraction of the source signal rms;
- **mosaic flux**: the total of the enhanced mosaic over the total of the ground mosaic (the data) and of the truth.

    OMP_NUM_THREADS=2 python benchmarks/sky_products.py                    # shipped models
    OMP_NUM_THREADS=2 python benchmarks/sky_products.py --models runs/x/hsc-i,hsc-i-flow --quick
"""
import argparse, json
import numpy as np
import torch


def seams(model, size=1024, n_images=4, tile=64, overlap=16):
    "Peak-to-peak of the folded blank-sky profile on the tile period and on a period 5 pixels longer (no structure)."
    from ganblend.enhance import tile_profile
    prof = tile_profile(model, size, n_images, tile, overlap)
    control = tile_profile(model, size, n_images, tile, overlap, period=len(prof) + 5)
    return dict(period=len(prof), ptp=float(np.ptp(prof)), ptp_control=float(np.ptp(control)))


def shift_consistency(model, shifts=(1, 5, 13, 40), side=256, seed=2, n_gal=120):
    "`enhance.shift_difference` on a simulated field of `n_gal` galaxies (i 20-24.5) for each shift."
    from ganblend.fields import simulate_mosaic
    from ganblend.enhance import shift_difference
    if model.cfg.in_bands != 1 or not hasattr(model, 'fine_grid'): return {}
    big = side + max(shifts) + model.stride
    im, _ = simulate_mosaic((big, big), n=n_gal, seed=seed, survey=model.cfg.ground_bands[0], mag_range=(20, 24.5))
    x = np.asarray(im.data, np.float32)/im.header['NOISE']
    return {k: shift_difference(model, x, k, side=side) for k in shifts}


def mosaic_flux(model, side=600, n_gal=300, seed=3):
    "Total flux of an enhanced simulated mosaic over that of the ground mosaic and of the truth."
    from ganblend.fields import simulate_mosaic
    from ganblend.enhance import enhance
    if model.cfg.in_bands != 1: return {}
    im, truth = simulate_mosaic((side, side), n=n_gal, seed=seed, survey=model.cfg.ground_bands[0],
                                mag_range=(20, 25))
    e = enhance(im.data, model, noise=im.header['NOISE'], progress=False)
    tot = float(truth['flux'].sum())
    return dict(enhanced_over_ground=float(e.sum()/im.data.sum()), enhanced_over_truth=float(e.sum())/tot,
                ground_over_truth=float(im.data.sum())/tot)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--models', default='hsc-i,hsc-grizy', help='shipped names or weights paths, comma-separated')
    ap.add_argument('--quick', action='store_true', help='smaller fields (a few seconds per model)')
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    from ganblend.enhance import load_enhancer, blank_level
    for name in a.models.split(','):
        model = load_enhancer(name)
        sizes = (23, 64, 256) if a.quick else (23, 64, 256, 1024)
        n_pix = 2**18 if a.quick else 2**21
        res = dict(model=name, blank_mean_sigma={str(s): round(blank_level(model, s, max(1, n_pix//s**2)), 4)
                                                 for s in sizes})
        res['seams'] = {k: round(v, 4) for k, v in seams(model, 512 if a.quick else 1024, 2 if a.quick else 4).items()}
        res['shift'] = {str(k): round(v, 4) for k, v in shift_consistency(model).items()}
        res['mosaic_flux'] = {k: round(v, 4) for k, v in mosaic_flux(model, 300 if a.quick else 600).items()}
        print(json.dumps(res), flush=True)


if __name__ == '__main__':
    main()
