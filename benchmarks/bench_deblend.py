"""Throughput of the full deblending pipeline (enhance + detect + photometry) against sep alone, in the same run.

Usage: python benchmarks/bench_deblend.py [--n 200] [--field 12] [--threads 2]

Prints, per blend stamp (23x23 HSC-i pixels), the time of
  * sep alone on the ground stamp (`detect.detect`, method='sep');
  * the pipeline on a batch of stamps: `deblend.enhance_stamps` (batched generator calls), detection on each enhanced stamp,
    the ground-pixel confirmation of the model's shipped settings (`deblend.confirm_detections`), and the simultaneous
    Gaussian-mixture fit of the kept detections on the ground pixels (`photometry.fit_fluxes`);
  * `deblend.deblend` on one mosaic of field x field blends (whole-field path: tiling, detection, blend groups);
and the split between the stages. Each stage is timed `--repeat` times and the best time is reported, with the load
average before and after (on a shared machine the stage times are only comparable when the load stays low).
"""
import argparse, os, time
import numpy as np
import torch

from ganblend import core
from ganblend.blends import simulate_blends
from ganblend.enhance import load_enhancer
from ganblend.detect import detect
from ganblend.deblend import detect_enhanced, enhance_stamps, resolve_detection, confirm_detections, ground_positions, deblend, ground_psf
from ganblend.analysis import fit_at


REPEAT = 3

def timed(f, *a, **kw):
    "f's result and its best wall-clock time of `REPEAT` calls (the least disturbed by other work on the machine)."
    best = np.inf
    for _ in range(REPEAT):
        t0 = time.perf_counter(); r = f(*a, **kw); best = min(best, time.perf_counter() - t0)
    return r, best


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=200, help='blend stamps')
    ap.add_argument('--field', type=int, default=12, help='mosaic side in stamps (field x field blends)')
    ap.add_argument('--threads', type=int, default=2, help='torch CPU threads')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--repeat', type=int, default=3, help='timed calls per stage; the best is reported')
    a = ap.parse_args()
    global REPEAT; REPEAT = max(1, a.repeat)
    torch.set_num_threads(a.threads)
    spec = core.get_survey('hsc-i'); noise = spec.noise_sigma; fwhm_px = spec.psf_fwhm/spec.pixel_scale
    bs = simulate_blends(a.n, seed=a.seed, progress=False)
    G = bs.noisy_ground(np.random.default_rng(a.seed + 1))[:, 0]
    model = load_enhancer('hsc-i')
    st, conf = (st_ := resolve_detection(model)).detect_kwargs(), st_.confirm
    psf = ground_psf(core.Image(G[0], spec.pixel_scale), 'hsc-i')
    # warm-up, not timed: torch kernels, weights, the first fits
    e4 = enhance_stamps(G[:4], model, noise); d4 = [detect_enhanced(e, noise, model, **st) for e in e4]
    if conf: confirm_detections(d4, G[:4], e4.shape[-2:], model, psf, noise, **conf)
    fit_at(G[:4], ground_positions(d4, G.shape[-1], e4.shape[-1], model.scale), psf, noise)

    load0 = os.getloadavg()[0]
    _, t_sep = timed(lambda: [detect(g, noise, fwhm_px, 'sep') for g in G])
    enh, t_enh = timed(enhance_stamps, G, model, noise)
    dets, t_det = timed(lambda: [detect_enhanced(e, noise, model, **st) for e in enh])
    n_g, n_e, s = G.shape[-1], enh.shape[-1], model.scale
    if conf: dets, t_conf = timed(confirm_detections, dets, G, enh.shape[-2:], model, psf, noise, **conf)
    else: t_conf = 0.0
    pos = ground_positions(dets, n_g, n_e, s)
    _, t_fit = timed(fit_at, G, pos, psf, noise)
    t_pipe = t_enh + t_det + t_conf + t_fit

    # whole field: a mosaic of field x field blend stamps
    k = min(a.field, int(np.sqrt(a.n)))
    mosaic = np.block([[G[i*k + j] for j in range(k)] for i in range(k)]).astype(np.float32)
    deblend(mosaic[:46, :46], model=model, noise=noise)  # warm-up
    cat, t_field = timed(deblend, mosaic, model=model, noise=noise)
    _, t_field_sep = timed(detect, mosaic, noise, fwhm_px, 'sep')

    ms = lambda t, n: 1e3*t/n
    print(f"load average before/after: {load0:.1f} / {os.getloadavg()[0]:.1f}")
    print(f"ganblend deblend benchmark: {a.n} HSC-i blend stamps 23x23, torch threads {a.threads}, model {getattr(model, 'name', type(model).__name__)}, detection {st}, confirmation {conf}")
    print(f"{'stage':<38}{'ms/blend':>10}{'blends/s':>11}")
    for name, t in (('sep alone (ground stamp)', t_sep), ('enhance (batched)', t_enh), ('detect on enhanced', t_det),
                    ('confirm on ground pixels', t_conf),
                    ('GMM photometry at detections', t_fit), ('pipeline total', t_pipe)):
        print(f"{name:<38}{ms(t, a.n):>10.2f}{a.n/t:>11.1f}")
    print(f"pipeline / sep alone: {t_pipe/t_sep:.1f}x")
    print(f"whole field {mosaic.shape[1]}x{mosaic.shape[0]} px ({k*k} blends, {len(cat)} sources found): deblend {t_field:.2f} s "
          f"= {ms(t_field, k*k):.1f} ms/blend; sep alone on the field {t_field_sep*1e3:.0f} ms ({t_field/t_field_sep:.0f}x)")


if __name__ == '__main__':
    main()
