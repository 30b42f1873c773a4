"""Would confirming companions on all five HSC bands beat the i band alone? (multi-band model)

    python experiments/confirm_multiband.py [--weights hsc-grizy] [--n 600]

On the validation simulations of `calibrate_detection` for the multi-band model (isolated seed 12345, blends seed
12346, all five ground bands, noise `default_rng(12345)`), the shipped detection of the model without its
`min_dchi2`, then `deblend.survival_levels` run on each ground band separately at the same positions. Two statistics
per source: the i-band level (what is shipped) and the sum of the five bands' levels (companions at another redshift
differ in colour, so the bands carry partly independent evidence). For each, prints the best recognized fraction at
false_split ≤ 2 / 2.5 / 3% over the thresholds `MIN_DCHI2S` × (1, 2.5, 5) (the ground-scale S/N cut stays at the
shipped value). A probe, not the calibrated pipeline: the elimination is run per band, not jointly.
"""
import argparse, numpy as np, torch
from ganblend.blends import simulate_blends, simulate_isolated
from ganblend.deblend import (enhance_stamps, resolve_detection, detect_enhanced, survival_levels,
                              to_enhanced, ground_positions, ground_psf, MIN_DCHI2S)
from ganblend import photometry as ph
from ganblend.enhance import load_enhancer
from ganblend.core import get_survey, Image

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--weights', default='hsc-grizy'); ap.add_argument('--n', type=int, default=600); ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args(); torch.set_num_threads(a.threads)
    m = load_enhancer(a.weights); bands = list(m.cfg.ground_bands); ib = bands.index('hsc-i')
    kw = dict(ground_bands=tuple(bands), space_bands=tuple(m.cfg.space_bands), progress=False)
    iso, bl = simulate_isolated(a.n, seed=12345, **kw), simulate_blends(a.n, seed=12346, **kw)
    rng = np.random.default_rng(12345)
    gi, gb = iso.noisy_ground(rng), bl.noisy_ground(rng)
    noise = np.array([get_survey(b).noise_sigma for b in bands])
    ei, eb = enhance_stamps(gi, m, noise), enhance_stamps(gb, m, noise)
    det, conf = (st_ := resolve_detection(m, bands=bands)).detect_kwargs(), st_.confirm
    n_g, n_e, sc = gb.shape[-1], eb.shape[-1], m.scale
    psfs = [ph.fit_psf_gmm(ground_psf(Image(gb[0, k], get_survey(b).pixel_scale), b)) for k, b in enumerate(bands)]
    xy = to_enhanced(np.stack([np.column_stack([bl.truth[f'x{j}'], bl.truth[f'y{j}']]) for j in (1, 2)], 1), n_g, n_e, sc)
    r = 0.3/(get_survey('hsc-i').pixel_scale/sc)
    def levels(E, G):
        D = [detect_enhanced(x, noise, m, survey='hsc-i', **det) for x in E]
        P = ground_positions(D, n_g, n_e, sc)
        L = np.array([survival_levels(G[:, k], P, psfs[k], float(noise[k]), conf['sys_frac']) for k in range(len(bands))], dtype=object)
        return D, L   # L[band][stamp] = levels of that stamp's sources
    Di, Li = levels(ei, gi); Db, Lb = levels(eb, gb)
    def stat(L, which):
        return [L[ib][i] if which == 'i' else np.sum([L[k][i] for k in range(len(bands))], 0) for i in range(L.shape[1])]
    for which in ('i', 'sum'):
        si, sb = stat(Li, which), stat(Lb, which)
        fs_pairs = [[min(l[u], l[v]) for u in range(len(l)) for v in range(u + 1, len(l))] for l in si]
        rec_pairs = []
        for i, (d, l) in enumerate(zip(Db, sb)):
            near = np.hypot(np.asarray(d['x'], float)[:, None] - xy[i, :, 0], np.asarray(d['y'], float)[:, None] - xy[i, :, 1]) <= r
            rec_pairs.append([min(l[u], l[v]) for u in np.flatnonzero(near[:, 0]) for v in np.flatnonzero(near[:, 1]) if u != v])
        rate = lambda P, t: np.mean([any(q >= t for q in s) for s in P])
        taus = sorted({t*f for t in MIN_DCHI2S for f in (1, 2.5, 5)})
        res = [(rate(fs_pairs, t), rate(rec_pairs, t), t) for t in taus]
        out = []
        for lim in (0.02, 0.025, 0.03):
            ok = [(rec, t) for fs, rec, t in res if fs <= lim]
            out.append(f"<= {lim}: {max(ok)[0]:.3f} (min_dchi2 {max(ok)[1]:g})" if ok else f"<= {lim}: none")
        print(f"{'i band alone' if which == 'i' else 'sum of 5 bands'}: best recognized at false_split " + '; '.join(out), flush=True)

if __name__ == '__main__': main()
