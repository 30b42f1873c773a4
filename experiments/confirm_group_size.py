"""Does testing large confirmation groups source by source change the decisions on validation stamps?

Usage: python experiments/confirm_group_size.py [--n 400]

Simulates `--n` blends and `--n` isolated galaxies (HSC-i noise, validation seeds of their own), enhances and detects
them with the shipped `hsc-i` model and settings, counts the sizes of the confirmation groups of the candidates, and
computes the survival levels with `max_group` 6, 4 and 3 (groups larger than `max_group` are tested source by source).
Prints how many keep/drop decisions at the shipped `min_dchi2` differ from `max_group=6`, and the false-split rate.
The detection settings were calibrated on such stamps, so few groups larger than 3 and few changed decisions mean
the calibration carries over to `deblend.MAX_GROUP` = 3.
"""
import argparse, collections, time
import numpy as np

from ganblend.blends import simulate_blends, simulate_isolated
from ganblend import deblend as D, photometry as P
from ganblend.enhance import load_enhancer
from ganblend.core import get_survey, Image


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=400, help='blends, and isolated galaxies')
    a = ap.parse_args()
    spec = get_survey('hsc-i')
    model = load_enhancer('hsc-i')
    det_kw, conf = (st_ := D.resolve_detection(model)).detect_kwargs(), st_.confirm
    rng = np.random.default_rng(11)
    bs, iso = simulate_blends(a.n, seed=101, progress=False), simulate_isolated(a.n, seed=102, progress=False)
    G = np.concatenate([bs.noisy_ground(rng)[:, 0], iso.noisy_ground(rng)[:, 0]])
    noise = spec.noise_sigma
    enh = D.enhance_stamps(G, model, noise)
    dets = [D.detect_enhanced(e, noise, model, **det_kw) for e in enh]
    pos = D.ground_positions(dets, G.shape[-1], enh.shape[-1], model.scale)
    psf = D.psf_mixture(D.ground_psf(Image(G[0], spec.pixel_scale), 'hsc-i'))
    sizes = collections.Counter()
    for p in pos:
        sizes.update(np.bincount(P.blend_groups(p[:, 0], p[:, 1], D.CONFIRM_LINK*psf.fwhm)).tolist() if len(p) else [0])
    print(f"confirmation group sizes over {len(G)} stamps (size: groups): {dict(sorted(sizes.items()))}")
    ref = None
    for mg in (6, 4, 3):
        t0 = time.time()
        keep = [lv >= conf['min_dchi2'] for lv in D.survival_levels(G, pos, psf, noise, conf['sys_frac'], max_group=mg)]
        k = np.concatenate(keep)
        ref = k if ref is None else ref
        split = np.mean([kk.sum() >= 2 for kk in keep[a.n:]])
        print(f"max_group {mg}: {time.time() - t0:.1f} s, decisions differing from max_group 6: {(k != ref).sum()} "
              f"of {len(k)}, false_split {split:.3f}")


if __name__ == '__main__':
    main()
