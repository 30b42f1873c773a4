"""Where the flux error of blended components comes from at the enhanced positions (the 5% flux-error target).

    python experiments/phot_error_budget.py [--n 500] [--seed 0] [--threads 2]

On the blends of `ganblend-evaluate --seed SEED` (single band; `simulate_blends(n, seed)`, noise `default_rng(seed + 1)`),
the shipped `hsc-i` detection (enhance, sep, ground-pixel confirmation, as `analysis.blend_study` runs it) gives positions;
the simultaneous Gaussian-mixture fit on the ground pixels (`analysis.fit_at`) measures every component matched to a
detection. Prints the median |Δflux|/flux on the target subset (separation >= 0.5", flux ratio <= 4) for:
every detection of the stamp fitted (the pipeline, the `enhanced positions` row of `blend_study`); the same restricted to
the recognized blends (both galaxies matched); only the two matched detections of those blends fitted (an oracle that
drops every extra detection); the true positions, on those blends and on all blends; and the true-position fit plus
its residual shared among the sources in proportion to their models inside the model footprint (scarlet-style).
"""
import argparse, numpy as np, torch
from ganblend.analysis import score_blends, fit_at, _truth_xy, _matched_flux, GROUND_BAND
from ganblend.blends import simulate_blends
from ganblend.core import get_survey, Image
from ganblend.deblend import (detect_enhanced, resolve_detection, enhance_stamps, confirm_detections, ground_psf,
                              ground_positions, to_enhanced)
from ganblend import photometry as ph
from ganblend.enhance import load_enhancer

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=500); ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args(); torch.set_num_threads(a.threads)
    sg = get_survey(GROUND_BAND)
    bs = simulate_blends(a.n, seed=a.seed, space_bands=('hst-f775w',), ground_bands=(GROUND_BAND,), progress=False)
    G = bs.noisy_ground(np.random.default_rng(a.seed + 1))[:, 0]
    m = load_enhancer(GROUND_BAND); st, conf = (st_ := resolve_detection(m, GROUND_BAND)).detect_kwargs(), st_.confirm
    E = enhance_stamps(G, m, sg.noise_sigma)
    psf = ph.fit_psf_gmm(ground_psf(Image(G[0], sg.pixel_scale), GROUND_BAND))
    D = confirm_detections([detect_enhanced(e, sg.noise_sigma, m, survey=GROUND_BAND, **st) for e in E], G, E.shape[-2:], m, psf,
                           sg.noise_sigma, **conf)
    sc, t = m.scale, bs.truth
    match = np.asarray(score_blends(D, to_enhanced(_truth_xy(t), G.shape[-1], E.shape[-1], sc), 0.3/(sg.pixel_scale/sc))['match'])
    pos = ground_positions(D, G.shape[-1], E.shape[-1], sc)
    ft = np.column_stack([np.asarray(t[f'flux1_{GROUND_BAND}'], float), np.asarray(t[f'flux2_{GROUND_BAND}'], float)])
    tgt = (np.asarray(t['separation']) >= 0.5) & (np.asarray(t['flux_ratio']) <= 4)
    both = (match >= 0).all(1)
    def show(f, name):
        r = (f - ft)/ft
        print(f"{name:60s} median |dF/F| {np.nanmedian(np.abs(r[tgt])):.3f}  median dF/F {np.nanmedian(r[tgt]):+.3f}  "
              f"components {int(np.isfinite(r[tgt]).sum())}")
    print(f"{a.n} blends, seed {a.seed}: {tgt.sum()} in the target subset, {both[tgt].sum()} of them recognized; "
          f"detections per recognized blend: {dict(zip(*np.unique([len(d) for d, b in zip(D, both) if b], return_counts=True)))}")
    fa = _matched_flux(fit_at(G, pos, psf, sg.noise_sigma), match)
    show(fa, 'enhanced positions, every detection fitted')
    show(np.where(both[:, None], fa, np.nan), '  the same, recognized blends only')
    f2 = fit_at(G, [p[mm] if b else np.zeros((0, 2)) for p, mm, b in zip(pos, match, both)], psf, sg.noise_sigma)
    show(np.array([f if b else np.full(2, np.nan) for f, b in zip(f2, both)]), '  only the two matched detections fitted')
    tb = ph.fit_fluxes(G, _truth_xy(t), psf, sg.noise_sigma)  # what `fit_at` runs, with the shapes kept for the models below
    c = {k: np.asarray(tb[k], float).reshape(a.n, 2) for k in ('x', 'y', 'flux', 'hlr', 'g1', 'g2')}
    show(np.where(both[:, None], c['flux'], np.nan), 'true positions, the recognized blends')
    show(c['flux'], 'true positions, all blends')
    # scarlet-style re-apportioning (Melchior et al. 2018, A&C 24, 129): the fit residual inside the model footprint
    # (model > k sigma) is shared among the sources in proportion to their models, which would recover light a smooth
    # profile misses (knots, bulges)
    p, g = np.stack([c['x'], c['y']], -1), np.stack([c['g1'], c['g2']], -1)
    M = np.stack([ph.render_stamps(G.shape[1:], np.where(np.arange(2)[None, :, None] == k, p, np.nan), psf, c['flux'], c['hlr'], g)
                  for k in range(2)], 1)
    Mt = M.sum(1); share = M/np.clip(Mt[:, None], 1e-30, None)
    for k in (0.25, 0.5, 1.0, 2.0):
        show(c['flux'] + ((G - Mt)[:, None]*share*(Mt > k*sg.noise_sigma)[:, None]).sum((2, 3)),
             f'true positions + residual shared inside model > {k:g} sigma')

if __name__ == '__main__': main()
