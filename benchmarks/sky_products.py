"""Blank sky, tile seams, shift consistency and mosaic flux of the enhanced image, for each shipped enhancer.

What a survey scientist checks before putting an enhanced image next to the survey's own products:

- **blank-sky mean**: the mean of the enhanced image of pure Gaussian noise, on fields of several sizes; zero for an
  unbiased enhancer. Unit: the ground noise σ per ground pixel, i.e. the enhanced image's surface brightness summed
  over one ground pixel's area (2.8² = 7.84 space pixels) over the ground image's per-pixel σ; this is the unit of the
  models' `sky_level` (divide by 7.84 for one space pixel's value);
- **seams**: the enhanced blank sky averaged over rows (and columns) and folded on the tiling period (tile − overlap
  ground pixels); the peak-to-peak range of that profile in σ, with its noise (the same statistic of a profile folded on
  a period with no tile structure), and the Fourier amplitude at the tiling frequency (same unit);
- **shift consistency**: a simulated mosaic enhanced as a whole and shifted by k ground pixels; the two fine-grid
  predictions (`fine` sub-pixels per ground pixel, so every whole-pixel shift is exact) differ on source pixels by
  this fraction of the source signal rms;
- **mosaic flux**: the total of the enhanced mosaic over the total of the ground mosaic (the data) and of the truth.

    OMP_NUM_THREADS=2 python benchmarks/sky_products.py                    # shipped models
    OMP_NUM_THREADS=2 python benchmarks/sky_products.py --models runs/x/hsc-i --quick
"""
import argparse, json, math
import numpy as np
import torch


def blank_means(model, sizes, n_pix=2**21, seed=0):
    "Mean enhanced blank sky (σ per ground pixel) for each field side in `sizes` (about `n_pix` ground pixels each)."
    from ganblend.enhance import enhance
    nb, rng, out = model.cfg.in_bands, np.random.default_rng(seed), {}
    for s in sizes:
        tot, npx = 0.0, 0
        for _ in range(max(1, n_pix//(s*s))):
            x = rng.standard_normal((nb, s, s), dtype=np.float32)
            e = np.asarray(enhance(x if nb > 1 else x[0], model, noise=1.0, progress=False), np.float64)
            tot, npx = tot + float(e.sum())*model.cfg.scale**2, npx + e.size
        out[s] = tot/npx
    return out


def folded_profile(e, scale, period, axis):
    "Mean of `e` (space grid) along `axis`, folded on `period` ground pixels: (profile, counts) in ground-pixel bins."
    prof = e.mean(axis=axis)
    g = (np.arange(len(prof)) + 0.5)/scale - 0.5                      # ground coordinate of each space pixel centre
    b = np.floor(np.mod(g, period)).astype(int)
    s, n = np.bincount(b, prof, period), np.bincount(b, minlength=period)
    return s/np.maximum(n, 1), n


def seams(model, size=1024, n_images=4, tile=64, overlap=16, seed=1):
    "Peak-to-peak of the blank-sky row/column profile folded on the tile period and on an unrelated period (σ units)."
    from ganblend.enhance import enhance
    s = model.stride
    ov = max(s, math.ceil(overlap/s)*s)
    period = max(2*ov, tile//s*s) - ov
    nb, rng = model.cfg.in_bands, np.random.default_rng(seed)
    acc = {p: np.zeros(p) for p in (period, period + 5)}
    amp = []
    for _ in range(n_images):
        x = rng.standard_normal((nb, size, size), dtype=np.float32)
        e = np.asarray(enhance(x if nb > 1 else x[0], model, noise=1.0, tile=tile, overlap=overlap, progress=False))
        e = e.reshape(-1, *e.shape[-2:]).mean(0)*model.cfg.scale**2
        for p in acc:
            for ax in (0, 1): acc[p] += folded_profile(e, model.cfg.scale, p, ax)[0]/(2*n_images)
        prof = np.concatenate([e.mean(0), e.mean(1)])
        f = np.fft.rfftfreq(e.shape[-1], d=1/model.cfg.scale)           # cycles per ground pixel
        k = np.argmin(abs(f - 1/period))
        amp.append(np.mean([abs(np.fft.rfft(e.mean(a) - e.mean(a).mean())[k])*2/e.shape[-1] for a in (0, 1)]))
    tiled, control = acc[period], acc[period + 5]
    return dict(period=period, ptp=float(np.ptp(tiled)), ptp_control=float(np.ptp(control)),
                amp_at_period=float(np.mean(amp)), profile=np.round(tiled, 4).tolist())


def shift_consistency(model, shifts=(1, 5, 13, 40), side=256, seed=2, n_gal=120):
    "Fine-grid difference between a field and the same field shifted by k ground pixels, over the source signal rms."
    from ganblend.survey import simulate_mosaic
    from ganblend.core import get_survey
    nb = model.cfg.in_bands
    if nb != 1: return {}
    kmax, s, f = max(shifts), model.stride, model.cfg.fine
    big = side + kmax + s
    im, _ = simulate_mosaic((big, big), n=n_gal, seed=seed, survey=model.cfg.ground_bands[0], mag_range=(20, 24.5))
    sig = get_survey(model.cfg.ground_bands[0]).noise_sigma
    x = torch.from_numpy(np.asarray(im.data, np.float32)/sig)[None, None]
    with torch.inference_mode():
        def fine(y0, x0):
            return model.fine_grid(x[..., y0:y0 + side, x0:x0 + side])[0, 0].numpy()
        a = fine(0, 0)
        m = 16*f                                                       # ignore 16 ground pixels at every edge
        out = {}
        for k in shifts:
            b = fine(k, k)                                             # b[i, j] = a[i + k f, j + k f]
            aa, bb = a[k*f + m:-m, k*f + m:-m], b[m:-m - k*f, m:-m - k*f]
            src = aa > 3*np.std(a[:m, :m]) + 0.5                       # source pixels: well above the sky
            ref = np.sqrt(np.mean(aa[src]**2))
            out[k] = dict(source_rel=float(np.sqrt(np.mean((aa - bb)[src]**2))/ref),
                          sky_rel=float(np.sqrt(np.mean((aa - bb)[~src]**2))/np.sqrt(np.mean(aa[~src]**2))))
    return out


def mosaic_flux(model, side=600, n_gal=300, seed=3):
    "Total flux of an enhanced simulated mosaic over that of the ground mosaic and of the truth."
    from ganblend.survey import simulate_mosaic
    from ganblend.enhance import enhance
    if model.cfg.in_bands != 1: return {}
    im, truth = simulate_mosaic((side, side), n=n_gal, seed=seed, survey=model.cfg.ground_bands[0], mag_range=(20, 25))
    e = enhance(im.data, model, noise=im.header['NOISE'], progress=False)
    return dict(enhanced_over_ground=float(e.sum()/im.data.sum()), enhanced_over_truth=float(e.sum()/truth['flux'].sum()),
                ground_over_truth=float(im.data.sum()/truth['flux'].sum()))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--models', default='hsc-i,hsc-grizy', help='shipped names or weights paths, comma-separated')
    ap.add_argument('--quick', action='store_true', help='smaller fields (a few seconds per model)')
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    from ganblend.enhance import load_enhancer
    sizes = (23, 64, 256) if a.quick else (23, 64, 256, 1024)
    for name in a.models.split(','):
        model = load_enhancer(name)
        res = dict(model=name, blank_mean_sigma={str(k): round(v, 4) for k, v in
                                                 blank_means(model, sizes, 2**18 if a.quick else 2**21).items()})
        sm = seams(model, 512 if a.quick else 1024, 2 if a.quick else 4)
        res['seams'] = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in sm.items() if k != 'profile'}
        res['shift'] = {str(k): {q: round(v, 4) for q, v in d.items()} for k, d in shift_consistency(model).items()}
        res['mosaic_flux'] = {k: round(v, 4) for k, v in mosaic_flux(model, 300 if a.quick else 600).items()}
        print(json.dumps(res), flush=True)


if __name__ == '__main__':
    main()
