"""Are the isolated galaxies that the enhanced images split also split at space resolution?

    python experiments/splits_on_space.py [--weights hsc-i] [--n 600]

On the isolated validation galaxies of `calibrate_detection` (seed 12345, ground noise `default_rng(12345)`, space
noise `default_rng(999)`), counts the galaxies split in two by the enhancer's shipped detection at several
`min_dchi2` of the ground-pixel confirmation, and how many of them sep (defaults, as in `ganblend-evaluate`) also
splits on the noisy space (HST F775W) image of the same galaxy, with their i magnitudes. Used in
`experiments/README.md` ("Are the split isolated galaxies split at space resolution?").
"""
import argparse, numpy as np, torch
from ganblend.blends import simulate_isolated
from ganblend.deblend import enhance_stamps, resolve_detection, detect_enhanced, confirm_detections, ground_psf
from ganblend.enhance import load_enhancer
from ganblend.detect import detect
from ganblend.core import get_survey, Image
from ganblend import photometry as ph

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--weights', default='hsc-i'); ap.add_argument('--n', type=int, default=600); ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args(); torch.set_num_threads(a.threads)
    m = load_enhancer(a.weights); sv, ss = get_survey('hsc-i'), get_survey('hst-f775w'); noise = sv.noise_sigma
    iso = simulate_isolated(a.n, seed=12345, progress=False, space_bands=('hst-f775w',))
    g = iso.noisy_ground(np.random.default_rng(12345))[:, 0]
    s = iso.noisy_space(np.random.default_rng(999))[:, 0]
    e = enhance_stamps(g, m, noise)
    det, conf = (st_ := resolve_detection(m)).detect_kwargs(), st_.confirm
    psf = ph.fit_psf_gmm(ground_psf(Image(g[0], sv.pixel_scale), 'hsc-i'))
    cand = [detect_enhanced(x, noise, m, **det) for x in e]
    on_space = np.array([len(detect(np.asarray(x, np.float32), ss.noise_sigma, ss.psf_fwhm/ss.pixel_scale)) >= 2 for x in s])
    mag = np.asarray(iso.truth['mag1'], float)
    print(f"{a.weights}, {a.n} isolated validation galaxies; sep on the space image splits {on_space.sum()} ({on_space.mean():.1%})")
    for tau in (0.0, 4.0, conf['min_dchi2']):
        split = np.array([len(d) >= 2 for d in confirm_detections(cand, g, e.shape[-2:], m, psf, noise, **{**conf, 'min_dchi2': tau})])
        print(f"min_dchi2 {tau:g}: enhanced detection splits {split.sum()}, of which {np.sum(split & on_space)} are also split on the space image;"
              f" i magnitudes {np.round(np.sort(mag[split]), 1).tolist()}")

if __name__ == '__main__': main()
