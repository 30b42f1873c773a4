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
  this fraction of the source signal rms; `shift_averaged` the same with `enhance(..., shift_average=True)` (the fine
  grid averaged over the 16 phases of the network's stride, `ganblend-enhance --shift-average`), the time of that
  enhancement of a 512² field against the single pass, measured in the same run, and the PSNR/SSIM of both on 200
  stamps of the independent population (`testsky`); the time of the 8 extra enhancements of `--samples 8`;
- **mosaic flux**: the total of the enhanced mosaic over the total of the ground mosaic (the data) and of the truth,
  with the 1σ of the ground image's summed noise over the true total (what limits any comparison with the truth).

    OMP_NUM_THREADS=2 python benchmarks/sky_products.py                    # shipped models
    OMP_NUM_THREADS=2 python benchmarks/sky_products.py --models runs/x/hsc-i,hsc-i-flow --quick

For a generator of stride 1 (`arch='dilated'`) the shift-averaged rows are left out: it has one phase.
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


def shift_average_cost(model, side=512, k=8):
    """Seconds to enhance a side² noise field: one pass, with `shift_average`, and the `k` extra enhancements of
    `--samples k` (`enhance.sample_spread`), with the ratios to one pass, measured in the same run."""
    import time
    from ganblend.enhance import enhance, sample_spread
    nb = model.cfg.in_bands
    x = np.random.default_rng(0).normal(0, 1, (nb, side, side)).astype(np.float32)
    img = x if nb > 1 else x[0]
    runs = dict(single=lambda: enhance(img, model, noise=1.0, progress=False),
                averaged=lambda: enhance(img, model, noise=1.0, progress=False, shift_average=True),
                samples=lambda: sample_spread(x, model, [1.0]*nb, k, progress=False))
    t = {}
    for name, fn in runs.items():
        t0 = time.perf_counter(); fn(); t[name] = time.perf_counter() - t0
    return dict(single_s=round(t['single'], 2), averaged_s=round(t['averaged'], 2),
                ratio=round(t['averaged']/t['single'], 1), **{f'samples{k}_s': round(t['samples'], 2),
                f'samples{k}_ratio': round(t['samples']/t['single'], 1)})

def shift_average_quality(model, n=200, size=32, seed=5):
    "PSNR/SSIM of single-pass and shift-averaged enhancements of `n` independent-population stamps (`testsky`)."
    from ganblend.core import get_survey
    from ganblend.enhance import enhance
    from ganblend.testsky import simulate_testsky
    from ganblend.uncertainty import space_truth
    from ganblend.metrics import image_metrics
    band = model.cfg.ground_bands[0]
    noise = get_survey(band).noise_sigma
    ts = simulate_testsky(n, seed, seeing=float(model.ground_psf_fwhm[0]), regime=(20., 25.5), size=size,
                          bands=(band.partition('@')[0],), space=model.space_bands[0],
                          space_size=round(size*model.cfg.scale))
    T = space_truth(ts.space, model, noise)
    out = {}
    for sa in (False, True):
        E = np.stack([enhance(g, model, noise=noise, progress=False, shift_average=sa) for g in ts.images])
        q = image_metrics(E[:, None], T[:, None])
        out['averaged' if sa else 'single'] = dict(psnr=round(q['psnr'], 2), ssim=round(q['ssim'], 3))
    return out

def shift_consistency(model, shifts=(1, 5, 13, 40), side=256, seed=2, n_gal=120, shift_average=False):
    "`enhance.shift_difference` on a simulated field of `n_gal` galaxies (i 20-24.5) for each shift."
    from ganblend.fields import simulate_mosaic
    from ganblend.enhance import shift_difference
    if model.cfg.in_bands != 1 or not hasattr(model, 'fine_grid'): return {}
    big = side + max(shifts) + model.stride
    im, _ = simulate_mosaic((big, big), n=n_gal, seed=seed, survey=model.cfg.ground_bands[0], mag_range=(20, 24.5))
    x = np.asarray(im.data, np.float32)/im.header['NOISE']
    return {k: shift_difference(model, x, k, side=side, shift_average=shift_average) for k in shifts}


def mosaic_flux(model, side=600, n_gal=300, seed=3):
    "Total flux of an enhanced simulated mosaic over that of the ground mosaic and of the truth."
    from ganblend.fields import simulate_mosaic
    from ganblend.enhance import enhance
    if model.cfg.in_bands != 1: return {}
    im, truth = simulate_mosaic((side, side), n=n_gal, seed=seed, survey=model.cfg.ground_bands[0],
                                mag_range=(20, 25))
    e = enhance(im.data, model, noise=im.header['NOISE'], progress=False)
    tot = float(truth['flux'].sum())
    # the noise of the ground image's sum alone, in units of the true total: the precision of any "over truth" figure
    noise = im.header['NOISE']*np.sqrt(im.data.size)/tot
    return dict(enhanced_over_ground=float(e.sum()/im.data.sum()), enhanced_over_truth=float(e.sum())/tot,
                ground_over_truth=float(im.data.sum())/tot, noise_sum_over_truth=float(noise))


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
        if hasattr(model, 'fine_grid') and model.stride > 1:   # a stride-1 generator has one phase: nothing to average
            res['shift_averaged'] = {str(k): round(v, 4) for k, v in shift_consistency(model, shift_average=True).items()}
            res['shift_average_cost'] = shift_average_cost(model, 256 if a.quick else 512)
            if model.cfg.in_bands == 1: res['shift_average_testsky'] = shift_average_quality(model, 50 if a.quick else 200)
        res['mosaic_flux'] = {k: round(v, 4) for k, v in mosaic_flux(model, 300 if a.quick else 600).items()}
        print(json.dumps(res), flush=True)


if __name__ == '__main__':
    main()
