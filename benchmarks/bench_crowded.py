"""Deblending crowded fields: time per arcmin² against a sparse field and against sep, in the same run.

Usage: python benchmarks/bench_crowded.py [--area 5] [--threads 2] [--legacy 120]

Simulates three HSC-i fields of the same area with `survey.simulate_mosaic` (GalSim bulge + disk + knots galaxies,
uniform positions, HSC-i noise and PSF):
  * deep:   600 galaxies per arcmin² to i = 27 (a deep field's number density; ~3,000 sources in 5 arcmin²);
  * wide:   the same sky to HSC-Wide depth, 300 galaxies per arcmin² to i = 26;
  * sparse: 80 galaxies per arcmin², i = 20-24 (the kind of mosaic the pipeline was first timed on);
and deblends each whole image with `deblend.deblend` and the shipped `hsc-i` model (enhance, detect on the enhanced
image, ground-pixel confirmation, photometry), timing every stage, and runs sep alone on the same ground image.
It prints wall and CPU seconds per arcmin², the crowded/sparse cost per pixel (the target is <= 3), and peak memory.

With `--legacy SIDE` it also times the confirmation alone on a SIDE x SIDE crop of the deep field twice: as it runs
now, and eliminating every group as a whole (`max_group` unlimited, how every group was confirmed before), whose cost
grows faster than the cube of the group size.
"""
import argparse, os, resource, time
import numpy as np
import torch

import ganblend.enhance as E
import ganblend.photometry as P
from ganblend import deblend as D
from ganblend.detect import detect
from ganblend.core import get_survey
from ganblend.fields import simulate_mosaic

STAGES = {'enhance': (E, 'enhance'), 'detect': (D, 'detect_enhanced'), 'confirm': (D, 'survival_levels'),
          'photometry': (P, 'photometry_image')}


class StageClock:
    "Wall-clock seconds spent in each pipeline stage, by wrapping the module functions `deblend` calls."
    def __init__(self):
        self.t = dict.fromkeys(STAGES, 0.0)
        for name, (mod, attr) in STAGES.items():
            setattr(mod, attr, self._wrap(name, getattr(mod, attr)))

    def _wrap(self, name, f):
        def timed(*a, **kw):
            t0 = time.perf_counter()
            try: return f(*a, **kw)
            finally: self.t[name] += time.perf_counter() - t0
        return timed

    def reset(self): self.t = dict.fromkeys(STAGES, 0.0)


def field(kind, side, seed):
    "A simulated field of `kind` (deep, wide, sparse) of side `side` ground pixels, and its number of galaxies."
    area = (side*0.168/60)**2
    density, mags = {'deep': (600, (18., 27.)), 'wide': (300, (18., 26.)), 'sparse': (80, (20., 24.))}[kind]
    n = int(round(density*area))
    im, truth = simulate_mosaic((side, side), n=n, seed=seed, mag_range=mags, margin=0)
    return im, n


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--area', type=float, default=5.0, help='area of each field (arcmin²)')
    ap.add_argument('--threads', type=int, default=2, help='torch CPU threads')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--legacy', type=int, default=0,
                    help='side (pixels) of the crop on which to time whole-group elimination')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    side = int(round(np.sqrt(a.area)*60/0.168))
    area = (side*0.168/60)**2
    model = E.load_enhancer('hsc-i')
    clock = StageClock()
    D.deblend(np.random.default_rng(0).normal(0, 5, (46, 46)).astype(np.float32), model=model, ood=False)  # warm-up
    load0 = os.getloadavg()[0]
    rows = {}
    for kind in ('sparse', 'wide', 'deep'):
        im, n = field(kind, side, a.seed)
        noise = float(im.header['NOISE'])
        t0 = time.perf_counter()
        sep_cat = detect(im.data, noise, get_survey('hsc-i').psf_fwhm/0.168, method='sep')
        t_sep = time.perf_counter() - t0
        clock.reset()
        w0, c0 = time.perf_counter(), time.process_time()
        cat = D.deblend(im, model=model, noise=noise, ood=False)
        rows[kind] = dict(n=n, found=len(cat), sep_found=len(sep_cat), wall=time.perf_counter() - w0,
                          cpu=time.process_time() - c0, sep=t_sep, max_group=int(np.max(cat['group_size'], initial=0)),
                          **clock.t)
    print(f"load average before/after: {load0:.1f} / {os.getloadavg()[0]:.1f}; torch threads {a.threads}; "
          f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024:.0f} MB")
    print(f"fields of {side}x{side} HSC-i pixels = {area:.2f} arcmin², shipped model {model.label}")
    head = (f"{'field':<8}{'galaxies':>9}{'found':>7}{'sep':>6}{'wall s':>8}{'cpu s':>7}{'s/arcmin²':>10}"
            f"{'x sep':>7}{'x sparse/px':>12}  stages (s): enhance detect confirm photometry")
    print(head)
    base = rows['sparse']['wall']
    for kind, r in rows.items():
        print(f"{kind:<8}{r['n']:>9}{r['found']:>7}{r['sep_found']:>6}{r['wall']:>8.1f}{r['cpu']:>7.1f}"
              f"{r['wall']/area:>10.2f}{r['wall']/r['sep']:>7.0f}{r['wall']/base:>12.2f}  "
              f"{r['enhance']:.1f} {r['detect']:.1f} {r['confirm']:.1f} {r['photometry']:.1f}")
    if a.legacy:
        im, _ = field('deep', side, a.seed)
        crop = im.data[:a.legacy, :a.legacy]
        cat = D.deblend(crop, model=model, noise=float(im.header['NOISE']), ood=False, confirm=False)
        pos = np.c_[cat['x'], cat['y']]
        psf = D.psf_mixture(D.ground_psf(D.as_image(crop, 'hsc-i'), 'hsc-i'))
        conf = D.resolve_detection(model).confirm
        out = {}
        for name, kw in (('now', dict(stop_at=conf['min_dchi2'])), ('whole groups', dict(max_group=10**9))):
            t0 = time.perf_counter()
            lv = D.survival_levels([crop], [pos], psf, float(im.header['NOISE']), conf['sys_frac'], **kw)[0]
            out[name] = (time.perf_counter() - t0, int((lv >= conf['min_dchi2']).sum()))
        grp = P.blend_groups(pos[:, 0], pos[:, 1], D.CONFIRM_LINK*psf.fwhm)
        (t_now, k_now), (t_whole, k_whole) = out['now'], out['whole groups']
        print(f"confirmation alone on a {a.legacy}x{a.legacy} crop of the deep field ({len(pos)} candidates, "
              f"largest group {np.bincount(grp).max()}): now {t_now:.1f} s ({k_now} kept), "
              f"whole-group elimination {t_whole:.1f} s ({k_whole} kept), {t_whole/t_now:.0f}x")


if __name__ == '__main__':
    main()
