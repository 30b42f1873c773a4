"""The validation set the detection experiments share: `calibrate_detection`'s simulations, enhanced by one model.

Isolated galaxies seed 12345, blends seed 12346, ground noise `default_rng(12345)` (isolated first): never used in
training or in `ganblend-evaluate`. Imported by the scripts of this folder (`from _validation import validation_set`).
"""
from types import SimpleNamespace
import numpy as np, torch
from ganblend.blends import simulate_blends, simulate_isolated
from ganblend.deblend import enhance_stamps, resolve_detection, to_enhanced, ground_psf
from ganblend import photometry as ph
from ganblend.enhance import load_enhancer
from ganblend.core import get_survey, Image

def add_args(ap):
    "The options every script of the set takes: --weights, --n, --threads."
    ap.add_argument('--weights', default='hsc-i'); ap.add_argument('--n', type=int, default=600); ap.add_argument('--threads', type=int, default=2)
    return ap

def validation_set(weights='hsc-i', n=600, threads=2):
    "Namespace: model `m`, `sv` (HSC-i), `noise`, `iso`, `bl`, ground stamps `gi`, `gb`, enhanced `ei`, `eb`, shipped `det`, `conf`, `psf`, `sc`, truth `xy` on the enhanced grid, matching radius `r` (enhanced px)."
    torch.set_num_threads(threads)
    m = load_enhancer(weights); sv = get_survey('hsc-i'); noise = sv.noise_sigma
    iso, bl = simulate_isolated(n, seed=12345, progress=False), simulate_blends(n, seed=12346, progress=False)
    rng = np.random.default_rng(12345)
    gi, gb = iso.noisy_ground(rng)[:, 0], bl.noisy_ground(rng)[:, 0]
    ei, eb = enhance_stamps(gi, m, noise), enhance_stamps(gb, m, noise)
    det, conf = (st_ := resolve_detection(m)).detect_kwargs(), st_.confirm
    sc = m.scale
    psf = ph.fit_psf_gmm(ground_psf(Image(gb[0], sv.pixel_scale), 'hsc-i'))
    xy_g = np.stack([np.column_stack([bl.truth[f'x{j}'], bl.truth[f'y{j}']]) for j in (1, 2)], 1).astype(float)
    return SimpleNamespace(m=m, sv=sv, noise=noise, iso=iso, bl=bl, gi=gi, gb=gb, ei=ei, eb=eb, det=det, conf=conf, psf=psf, sc=sc,
                           xy_g=xy_g, xy=to_enhanced(xy_g, gb.shape[-1], eb.shape[-1], sc), r=0.3/(sv.pixel_scale/sc))
