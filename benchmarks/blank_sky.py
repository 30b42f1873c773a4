"""False detections on blank sky: detections per arcmin² on pure-noise images (no galaxy at all).

For each shipped enhancer it enhances pure Gaussian noise of the survey's σ — batches of stamps of the validation size
(23×23 ground pixels, as `calibrate_detection` uses) and large images (`--size`², as a survey tile) — and counts what
`deblend.detect_enhanced` finds with the given (default: shipped) detection settings; for the ground image it runs
`detect.detect` with the ground settings of `analysis.blend_study` (sep, threshold 3, deblend_cont 0.005).

Shipped settings with `sky_level`/`sky_sigma` subtract the model's blank-sky level, take the threshold in units of the
filtered blank-sky noise and keep sources with `snr_ground` >= `min_snr_ground` (see `deblend.calibrate_detection`);
`--no-confirm` drops that last cut, to show what it removes.

    nice -n 10 python benchmarks/blank_sky.py                          # shipped settings, both models
    nice -n 10 python benchmarks/blank_sky.py --thresholds 1,2,4,8     # a scan
    nice -n 10 python benchmarks/blank_sky.py --no-confirm             # without the ground-scale confirmation
"""
import argparse, json, time
import numpy as np


def blank_density(model, kind, settings, n_stamps=200, n_images=2, size=256, stamp=23, seed=0):
    "Detections per arcmin² of blank sky: (on stamps, on large images)."
    from ganblend import deblend as D, enhance as E, detect as T
    from ganblend.core import get_survey
    bands = list(getattr(model.cfg, 'ground_bands', None) or ['hsc-i']) if model is not None else ['hsc-i']
    sig = np.array([get_survey(b).noise_sigma for b in bands]); ps = get_survey(bands[0]).pixel_scale
    rng = np.random.default_rng(seed)
    st = rng.normal(0, 1, (n_stamps, len(bands), stamp, stamp)).astype(np.float32)*sig[None, :, None, None]
    big = [rng.normal(0, 1, (len(bands), size, size)).astype(np.float32)*sig[:, None, None] for _ in range(n_images)]
    if model is None:  # ground: one band
        fw = get_survey('hsc-i').psf_fwhm/ps
        n_st = sum(len(T.detect(s[0], sig[0], fw, **settings)) for s in st)
        n_big = sum(len(T.detect(b[0], sig[0], fw, **settings)) for b in big)
    else:
        one = (lambda a: a[:, 0]) if len(bands) == 1 else (lambda a: a)
        est = D.enhance_stamps(one(st), model, sig)
        n_st = sum(len(D.detect_enhanced(e, sig, model, **settings)) for e in est)
        n_big = 0
        for b in big:
            e = E.enhance(b[0] if len(bands) == 1 else b, model, noise=sig, progress=False)
            n_big += len(D.detect_enhanced(e, sig, model, **settings))
    a_st, a_big = n_stamps*(stamp*ps/60)**2, n_images*(size*ps/60)**2
    return n_st/a_st, n_big/a_big


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--models', default='hsc-i,hsc-grizy')
    ap.add_argument('--thresholds', default=None, help='comma-separated thresholds (default: the shipped one only)')
    ap.add_argument('--deblend-cont', type=float, default=None)
    ap.add_argument('--no-confirm', action='store_true', help='drop the ground-scale S/N cut (min_snr_ground)')
    ap.add_argument('--size', type=int, default=256); ap.add_argument('--n-images', type=int, default=2)
    ap.add_argument('--n-stamps', type=int, default=200); ap.add_argument('--seed', type=int, default=0)
    a = ap.parse_args()
    import torch; torch.set_num_threads(1)
    from ganblend import enhance as E, deblend as D
    kw = dict(n_stamps=a.n_stamps, n_images=a.n_images, size=a.size, seed=a.seed)
    g = dict(method='sep', threshold=3.0, deblend_cont=0.005)
    print(json.dumps(dict(model='ground', settings=g, **dict(zip(('per_arcmin2_stamps', 'per_arcmin2_large'),
                                                                 np.round(blank_density(None, 'ground', g, **kw), 1))))), flush=True)
    for name in a.models.split(','):
        m = E.load_enhancer(name)
        base = D.resolve_detection(m).detect_kwargs()
        ths = [base['threshold']] if a.thresholds is None else [float(t) for t in a.thresholds.split(',')]
        for t in ths:
            s = dict(base, threshold=t)
            if a.deblend_cont is not None: s['deblend_cont'] = a.deblend_cont
            if a.no_confirm: s.pop('min_snr_ground', None)
            t0 = time.perf_counter()
            r = blank_density(m, name, s, **kw)
            print(json.dumps(dict(model=name, settings=s, per_arcmin2_stamps=round(r[0], 1), per_arcmin2_large=round(r[1], 1),
                                  seconds=round(time.perf_counter() - t0, 1))), flush=True)


if __name__ == '__main__':
    main()
