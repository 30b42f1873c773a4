"""Enhancement samples in the catalog (`ganblend.samples`): calibrated p_two and flux_err_total on two populations.

Usage: nice python benchmarks/samples_catalog.py [--mosaics 2] [--cal-mosaics 4] [--ks 4 8] [--seeing 0.6 0.85]
                                                 [--fit] [--store] [--threads 1] [--seed 0] [--plot FIG.png]
                                                 [--save PREFIX] [--weights hsc-i]

Populations, drawn as in `benchmarks/phot_populations.py` (`population`): the training simulator
(`blends.simulate_blends`/`simulate_isolated`, ground band `hsc-i@<seeing>`) and the independent test population
(`testsky.simulate_testsky`), each at every `--seeing`, in a bright (i 18-22, 41-pixel stamps) and a faint (i 22-26,
31-pixel stamps) regime, as isolated galaxies and as two-galaxy blends (0.5-2.0", flux ratio <= 4). The stamps of
one set are laid on a grid in 256x256-pixel fields of noise (25 bright stamps in 51-pixel cells, or 49 faint ones in
36-pixel cells: stamps laid edge to edge would let sep join the isophotes of neighbouring bright galaxies, and its
deblending contrast, relative to the whole joined segment, then merges faint companions). Each field goes through
`deblend.deblend` (the shipped `--weights` model, default `hsc-i`, its PSF image and noise given, no `ood_p`), then `samples.draw_samples` with
K = max(--ks) samples. Per-group p_two_raw and per-source flux_err_samples of the first k samples give every k.

Labels and measures, on the test split (seed `--seed`):
- p_two, per catalog group: the outcome is "the group's region holds two true galaxies" (the region is the one
  `draw_samples` counts sample sources in: points whose nearest catalog source is in the group and within the
  photometry's linking length). A field of blends gives mostly outcome 1, a field of isolated galaxies outcome 0.
  ECE (5 bins) and Brier score of p_two_raw and of the Platt-calibrated p_two; 16-84% bootstrap range of the ECE;
  `floor`, the ECE a perfectly calibrated p_two would show on as many groups (outcomes drawn from p_two itself).
- fluxes: catalog sources matched one-to-one to a true galaxy within 0.3"; coverage68 = fraction with
  |flux - flux_true| <= error, for `flux_err` (the catalog's), sqrt(flux_err^2 + flux_err_samples^2) and the
  calibrated `flux_err_total`.
- time: `deblend.deblend` and `samples.draw_samples` per 256x256 field (mean over the test fields), and
  `samples.deblend_samples` per 41x41 stamp (5 bright blends of the training simulator at the first seeing), K = 8.

With --fit the calibration (`samples.fit_samples_calibration`: Platt scaling and flux factor, per k in --ks) is fitted
on a separate calibration split of the TRAINING simulator only (seed --seed + 1000, every seeing, regime and kind);
the independent population never enters it. The calibration is per seeing (one bin per PSF FWHM). With --store it is
written into the model's JSON (`ganblend/weights/<--weights>.json`) `meta['samples']`; a member of the seeing bank
(`hsc-i@0.85`, ...) is calibrated at its own seeing (`--seeing 0.85`). Without --fit the calibrations shipped with the model are
used.
"""
import argparse, sys, time, warnings
from pathlib import Path

import numpy as np, torch
from astropy.table import Table, vstack

sys.path.insert(0, str(Path(__file__).parent))
from phot_populations import population, REGIMES
from ganblend import detect as _det
from ganblend.enhance import load_enhancer, WEIGHTS_DIR
from ganblend.deblend import deblend
from ganblend.uncertainty import ece, brier, binary_reliability
from ganblend import samples as smp

FIELD = 256   # side of the test fields (pixels)
CELLS = {'bright': 51, 'faint': 36}   # cell of one stamp in a field (pixels): stamp side + a gap of 10 or 5
POPS = ('train', 'testsky')


def field_of(stamps, pos, sig, rng, cell):
    """Stamps on a FIELD x FIELD noise image, each centred in a `cell` x `cell` square of a centred grid (the gap keeps
    bright neighbours' isophotes apart); the true positions moved with them."""
    n, h, w = stamps.shape
    side = FIELD//cell
    if n > side*side: raise ValueError(f"{n} cells of {cell} pixels do not fit a {FIELD}-pixel field")
    o = (FIELD - side*cell)//2 + (cell - w)//2
    img = rng.normal(0, sig, (FIELD, FIELD)).astype(np.float32)
    xy = np.array(pos, float)
    for i in range(n):
        r, c = divmod(i, side)
        img[o + r*cell:o + r*cell + h, o + c*cell:o + c*cell + w] = stamps[i]
        xy[i] += [o + c*cell, o + r*cell]
    return img, xy


def tagged(tag, n): return {c: np.full(n, v) for c, v in tag.items()}


def run_set(model, pop, seeing, regime, blend, n_fields, seed, ks, split, progress=False):
    "Groups and matched sources of one set, with the raw sample statistics for every k in `ks`, and timings."
    per = (FIELD//CELLS[regime])**2
    G, pos, F, _, sig, psf = population(pop, seeing, regime, blend, per*n_fields, seed)
    kmax, groups, sources, times = max(ks), [], [], []
    for m in range(n_fields):
        sl = slice(m*per, (m + 1)*per)
        img, xy = field_of(G[sl], pos[sl], sig, np.random.default_rng([seed, 7, m]), CELLS[regime])
        t0, c0 = time.perf_counter(), time.process_time()
        cat = deblend(img, 'hsc-i', model, psf, sig, ood=False)
        t1, c1 = time.perf_counter(), time.process_time()
        cs = smp.draw_samples(img, cat, model, kmax, seed=seed*100 + m, psf=psf, noise=sig, progress=progress)
        times.append((t1 - t0, time.perf_counter() - t1, c1 - c0, time.process_time() - c1))
        tag = dict(pop=pop, seeing=seeing, regime=regime, kind='blend' if blend else 'isolated', split=split,
                   psf_fwhm=cs.meta['psf_fwhm'])
        # per group: how many true galaxies its region holds
        cxy = np.c_[np.asarray(cat['x'], float), np.asarray(cat['y'], float)].reshape(-1, 2)
        cgrp = np.asarray(cat['group'], int) if len(cat) else np.zeros(0, int)
        truth = xy.reshape(-1, 2)
        reg = smp.group_regions(cxy, cgrp, truth, cs.meta['link'])
        n_true = np.array([(reg == g).sum() for g in cs.groups], int)
        row = dict(tagged(tag, len(n_true)), n_true=n_true, two=n_true >= 2, field=np.full(len(n_true), m))
        row.update({f'p_raw_{k}': (cs.counts[:, :k] >= 2).mean(1) for k in ks})
        groups.append(Table(row))
        # per catalog source matched to a true galaxy
        ft = F[sl].reshape(-1)
        pairs = _det.match(cxy, truth, 0.3/0.168)
        it, ic = (np.array([p[i] for p in pairs], int) for i in (0, 1))
        if not len(pairs): continue
        cols = {f'err_samples_{k}': np.asarray(smp.sample_columns(cat, cs.subset(k))['flux_err_samples'])[ic]
                for k in ks}
        sources.append(Table(dict(tagged(tag, len(ic)), flux=np.asarray(cat['flux'], float)[ic], flux_true=ft[it],
                                  flux_err=np.asarray(cat['flux_err'], float)[ic],
                                  group_size=np.asarray(cat['group_size'])[ic], **cols)))
    return vstack(groups), vstack(sources), times


def fit(groups, sources, ks, command):
    "Calibrations per k from the calibration split (training simulator only)."
    g, s = groups[groups['split'] == 'calibration'], sources[sources['split'] == 'calibration']
    assert set(g['pop']) == {'train'}, 'the calibration must not see the independent population'
    seeings = ', '.join(f'{v:g}"' for v in sorted(set(g['seeing'])))
    data = (f"training simulator (blends.simulate_blends/simulate_isolated), calibration split, seeing {seeings}, "
            f"i 18-22 and 22-26, blends and isolated galaxies in 256x256 fields: {len(g)} groups, {len(s)} sources")
    return {k: smp.fit_samples_calibration(np.asarray(g[f'p_raw_{k}']), np.asarray(g['two']), k, s['flux'],
                                           s['flux_true'], s['flux_err'], s[f'err_samples_{k}'], g['psf_fwhm'],
                                           s['psf_fwhm'], command=command, data=data) for k in ks}


def p_two(cal, g, k):
    "Calibrated p_two of the groups `g` (each with the bin of its image's PSF FWHM)."
    return np.array([cal.p_two(p, f) for p, f in zip(np.asarray(g[f'p_raw_{k}']), np.asarray(g['psf_fwhm']))])


def total_err(cal, s, k):
    "Calibrated flux_err_total of the sources `s`."
    raw = np.hypot(s['flux_err'], np.nan_to_num(s[f'err_samples_{k}']))
    return np.array([cal.factor(f) for f in np.asarray(s['psf_fwhm'])])*raw


def ece_range(p, y, n_boot=200, seed=0):
    "16-84% bootstrap range of the ECE."
    rng = np.random.default_rng(seed)
    i = rng.integers(0, len(p), (n_boot, len(p)))
    return np.percentile([ece(p[j], y[j]) for j in i], [16, 84])


def ece_floor(p, n_draw=200, seed=0):
    """The ECE a PERFECTLY calibrated p would show on this many groups: median over outcomes drawn from p itself. The
    statistic's own sampling floor, against which a measured ECE is judged."""
    rng = np.random.default_rng(seed)
    return float(np.median([ece(p, rng.random(len(p)) < p) for _ in range(n_draw)]))


def covered(s, err): return float(np.mean(np.abs(s['flux'] - s['flux_true']) <= err))


def summary(groups, sources, cals, ks, by=('pop', 'seeing')):
    "One row per combination of `by` (test split): ECE, Brier and coverage68 before and after calibration."
    g, s = groups[groups['split'] == 'test'], sources[sources['split'] == 'test']
    rows = []
    keys = sorted(set(tuple(r[c] for c in by) for r in g))
    for key in keys:
        mg = np.all([np.asarray(g[c]) == v for c, v in zip(by, key)], 0)
        ms = np.all([np.asarray(s[c]) == v for c, v in zip(by, key)], 0)
        gg, ss = g[mg], s[ms]
        y = np.asarray(gg['two'], float)
        row = dict(zip(by, key), groups=len(gg), pos_rate=y.mean(), sources=len(ss),
                   cov_err=covered(ss, ss['flux_err']))
        for k in ks:
            c, p = cals[k], np.asarray(gg[f'p_raw_{k}'])
            pc = p_two(c, gg, k)
            lo, hi = ece_range(pc, y)
            raw = np.hypot(ss['flux_err'], np.nan_to_num(ss[f'err_samples_{k}']))
            row.update({f'ece_raw_{k}': ece(p, y), f'ece_{k}': ece(pc, y), f'ece_lo_{k}': lo, f'ece_hi_{k}': hi,
                        f'ece_floor_{k}': ece_floor(pc),
                        f'brier_raw_{k}': brier(p, y), f'brier_{k}': brier(pc, y),
                        f'cov_quad_{k}': covered(ss, raw), f'cov_total_{k}': covered(ss, total_err(c, ss, k))})
        rows.append(row)
    return Table(rows=rows)


def stamp_time(model, seeing, k, n=5, seed=0):
    """Wall and CPU seconds per 41x41 stamp of `deblend.deblend` and of `samples.deblend_samples` with k samples:
    (deblend wall, deblend_samples wall, deblend CPU, deblend_samples CPU)."""
    G, _, _, _, sig, psf = population('train', seeing, 'bright', True, n, seed)
    deblend(G[0].astype(np.float32), 'hsc-i', model, psf, sig, ood=False)   # warm-up (PSF mixture cache)
    t0, c0 = time.perf_counter(), time.process_time()
    for g in G: deblend(g.astype(np.float32), 'hsc-i', model, psf, sig, ood=False)
    t1, c1 = time.perf_counter(), time.process_time()
    for g in G: smp.deblend_samples(g.astype(np.float32), 'hsc-i', model, psf, sig, samples=k, ood=False)
    t2, c2 = time.perf_counter(), time.process_time()
    return (t1 - t0)/n, (t2 - t1)/n, (c1 - c0)/n, (c2 - c1)/n


def run(a, progress=False):
    "Both splits (the calibration split only with --fit); returns groups, sources, calibrations, field timings."
    model = load_enhancer(a.weights)
    ks = sorted(set(a.ks))
    splits = [('calibration', a.seed + 1000, ('train',), a.cal_mosaics)] if a.fit else []
    splits.append(('test', a.seed, POPS, a.mosaics))
    G, S, T = [], [], []
    for split, seed, pops, n_fields in splits:
        for pop in pops:
            for seeing in a.seeing:
                for regime in REGIMES:
                    for blend in (False, True):
                        t0 = time.perf_counter()
                        g, s, t = run_set(model, pop, seeing, regime, blend, n_fields, seed, ks, split, progress)
                        G.append(g)
                        S.append(s)
                        if split == 'test': T += t
                        print(f"  {split:<11} {pop:<8} {seeing:g}\" {regime:<6} {'blends' if blend else 'isolated':<9}"
                              f"{len(g):>4} groups {len(s):>4} sources  {time.perf_counter() - t0:6.1f} s",
                              flush=True)
    groups, sources = vstack(G), vstack(S)
    args, skip = [], False   # the command without its output-only options (--plot, --save)
    for x in a.argv:
        if skip or x in ('--plot', '--save'):
            skip = x in ('--plot', '--save')
            continue
        args.append(x)
    command = 'python benchmarks/samples_catalog.py ' + ' '.join(args)
    if a.fit: cals = fit(groups, sources, ks, command)
    else:
        shipped = smp.shipped_samples(model)
        missing = [k for k in ks if k not in shipped]
        if missing: raise SystemExit(f"no shipped samples calibration for k = {missing}: run with --fit")
        cals = {k: shipped[k] for k in ks}
    return model, groups, sources, cals, np.array(T)


def plot(groups, sources, cals, k=8, dpi=80):
    "Reliability of p_two (raw and Platt) and flux pulls (catalog flux_err, calibrated flux_err_total) per population."
    import matplotlib.pyplot as plt
    g, s = groups[groups['split'] == 'test'], sources[sources['split'] == 'test']
    seeings = sorted(set(g['seeing']))
    fig, axs = plt.subplots(2, len(seeings), figsize=(4.2*len(seeings), 7.4), dpi=dpi, squeeze=False)
    bins = np.linspace(0, 1, 6)
    for j, see in enumerate(seeings):
        ax = axs[0, j]
        for pop, col in zip(POPS, ('C0', 'C3')):
            m = (np.asarray(g['pop']) == pop) & (np.asarray(g['seeing']) == see)
            p, y = np.asarray(g[f'p_raw_{k}'])[m], np.asarray(g['two'], float)[m]
            for q, ls, mfc, tag in ((p, ':', 'none', 'raw'), (p_two(cals[k], g[m], k), '-', col, 'Platt')):
                r = binary_reliability(q, y, bins)
                ok = np.asarray(r['n']) > 0
                ax.errorbar(np.asarray(r['p_mean'])[ok], np.asarray(r['frequency'])[ok],
                            np.asarray(r['frequency_err'])[ok], ls=ls, marker='o', ms=4, mfc=mfc, color=col,
                            capsize=2, label=f"{pop} {tag} (ECE {ece(q, y):.3f})")
        ax.plot([0, 1], [0, 1], 'k', lw=.6)
        ax.set(xlim=(-.02, 1.02), ylim=(-.02, 1.02), xlabel=f'p_two (K = {k})', ylabel='fraction with two galaxies',
               title=f'groups, seeing {see:g}"')
        ax.legend(fontsize=7, loc='upper left')
        ax.grid(alpha=.3)
        ax = axs[1, j]
        edges = np.linspace(-5, 5, 41)
        for pop, col in zip(POPS, ('C0', 'C3')):
            m = (np.asarray(s['pop']) == pop) & (np.asarray(s['seeing']) == see)
            ss = s[m]
            d = np.asarray(ss['flux'] - ss['flux_true'])
            tot = total_err(cals[k], ss, k)
            for e, ls, tag in ((ss['flux_err'], ':', 'flux_err'), (tot, '-', 'flux_err_total')):
                pull = np.clip(d/np.asarray(e), edges[0], edges[-1])
                ax.hist(pull, edges, histtype='step', ls=ls, color=col, density=True,
                        label=f"{pop} {tag} (cov68 {np.mean(np.abs(d) <= e):.2f})")
        xg = np.linspace(-5, 5, 200)
        ax.plot(xg, np.exp(-xg**2/2)/np.sqrt(2*np.pi), 'k', lw=.6)
        ax.axvspan(-1, 1, color='k', alpha=.06)
        ax.set(xlabel='(flux − flux_true)/error  (clipped at ±5)', ylabel='density',
               title=f'sources, seeing {see:g}"')
        ax.legend(fontsize=7, loc='upper left')
    fig.tight_layout()
    return fig


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--mosaics', type=int, default=2,
                   help='256x256 test fields per set (25 bright or 49 faint stamps each)')
    p.add_argument('--cal-mosaics', type=int, default=4, help='256x256 calibration fields per set (with --fit)')
    p.add_argument('--ks', type=int, nargs='+', default=[4, 8], help='sample counts evaluated (K = the largest)')
    p.add_argument('--seeing', type=float, nargs='+', default=[0.6, 0.85])
    p.add_argument('--fit', action='store_true', help='fit the calibrations on a calibration split of the simulator')
    p.add_argument('--store', action='store_true', help='with --fit: store them in the model\'s JSON')
    p.add_argument('--weights', default='hsc-i', help='shipped model (e.g. hsc-i@0.85 for its own seeing)')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--plot', default=None, help='save the figure (reliability of p_two, flux pulls) to this file')
    p.add_argument('--save', default=None,
                   help='write the per-group and per-source tables to PREFIX.groups.ecsv and PREFIX.sources.ecsv')
    a = p.parse_args(argv)
    a.argv = list(sys.argv[1:] if argv is None else argv)
    if a.store and not a.fit: p.error('--store needs --fit')
    return a


def main(argv=None):
    a = parse(argv)
    torch.set_num_threads(a.threads)
    warnings.filterwarnings('ignore')
    t_start = time.perf_counter()
    model, groups, sources, cals, T = run(a)
    ks = sorted(cals)
    print('\ncalibrations (training simulator, calibration split):' if a.fit else '\ncalibrations (shipped):')
    for k, c in cals.items():
        for fw, pl, ff, ng, ns in zip(c.psf_fwhm, c.platts, c.flux_factors, c.n_groups, c.n_sources):
            print(f"  k={k}, PSF FWHM {fw:.3f}\": Platt a={pl.a:.3f} b={pl.b:.3f}; flux factor {ff:.3f} "
                  f"({ng} groups, {ns} sources)")
    if a.store:
        for c in cals.values(): smp.store_samples_calibration(WEIGHTS_DIR/a.weights, c)
        print(f"  stored in {WEIGHTS_DIR/(a.weights + '.json')} meta['samples']")
    for by in (('pop', 'seeing'), ('pop', 'seeing', 'regime', 'kind')):
        t = summary(groups, sources, cals, ks, by)
        print(f"\ntest split by {', '.join(by)}: p_two (groups; outcome = two true galaxies in the group's region) "
              "and coverage68 of the fluxes (matched sources)")
        for k in ks:
            print(f"K = {k}")
            hdr = ''.join(f'{c:<9}' for c in by) + (f"{'groups':>7}{'two':>6}{'ECE raw':>9}{'ECE':>7}{'(16-84%)':>13}"
                                                    f"{'floor':>7}"
                                                    f"{'Brier raw':>10}{'Brier':>7}{'sources':>8}{'cov err':>8}"
                                                    f"{'cov quad':>9}{'cov total':>10}")
            print(hdr)
            for r in t:
                print(''.join(f'{str(r[c]):<9}' for c in by)
                      + f"{r['groups']:>7}{r['pos_rate']:>6.2f}{r[f'ece_raw_{k}']:>9.3f}{r[f'ece_{k}']:>7.3f}"
                        f"{'  %.3f-%.3f' % (r[f'ece_lo_{k}'], r[f'ece_hi_{k}']):>13}{r[f'ece_floor_{k}']:>7.3f}"
                        f"{r[f'brier_raw_{k}']:>10.3f}{r[f'brier_{k}']:>7.3f}{r['sources']:>8}{r['cov_err']:>8.3f}"
                        f"{r[f'cov_quad_{k}']:>9.3f}{r[f'cov_total_{k}']:>10.3f}")
    kt = 8 if 8 in ks else max(ks)
    st = stamp_time(model, a.seeing[0], kt)
    print(f"\ntime per image, wall (CPU) seconds, {a.threads} thread(s); K = {max(ks)} samples for the fields:")
    print(f"  256x256 field: deblend.deblend {T[:, 0].mean():.2f} ({T[:, 2].mean():.2f}) s, "
          f"samples.draw_samples {T[:, 1].mean():.2f} ({T[:, 3].mean():.2f}) s (mean of {len(T)} test fields)")
    print(f"  41x41 stamp:  deblend.deblend {st[0]:.3f} ({st[2]:.3f}) s, "
          f"samples.deblend_samples with K = {kt} {st[1]:.3f} ({st[3]:.3f}) s (mean of 5 stamps)")
    print(f"total {time.perf_counter() - t_start:.0f} s")
    if a.plot: plot(groups, sources, cals, kt).savefig(a.plot)
    if a.save:
        for name, t in (('groups', groups), ('sources', sources)):
            t.write(f'{a.save}.{name}.ecsv', overwrite=True)


if __name__ == '__main__': main()
