"""Survey-scale deblending: throughput vs number of Dask workers, and peak memory per worker.

Simulates a mosaic (default 1000×1000 HSC-i pixels, 300 galaxies), writes it to a temporary FITS file, and deblends it
tile by tile (`ganblend.fields.deblend_mosaic`) in four configurations, each in a fresh Python process:
serially in that process (the baseline; one torch thread, as each worker has), the same whole image without tiles (`deblend.deblend`, the behaviour of
`ganblend-deblend` without options), and a LocalCluster of 1 and 2 single-threaded worker processes.
For the clusters it reports the wall time including the cluster start and the model loading, and the steady-state
time of a second run on the warm cluster. Peak memory is the peak resident set size (`ru_maxrss`) of each process.

    nice -n 10 python benchmarks/bench_survey.py                 # the defaults
    nice -n 10 python benchmarks/bench_survey.py --size 500 --n-gal 80 --workers 1   # quick
"""
import argparse, json, os, resource, subprocess, sys, tempfile, time
from pathlib import Path


def _peak_mb(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024


def run_one(mode, fits_path, tile):
    "Deblend `fits_path` in one configuration (in this process); a dict of timings and memory."
    import torch
    from ganblend import fields as fld, deblend as D, core
    n_pix = fld.open_mosaic(fits_path).shape
    out = dict(mode=mode, torch_threads=torch.get_num_threads())
    if mode == 'whole':
        t0 = time.perf_counter()
        cat = D.deblend(core.read_image(fits_path), model=fld.worker_model())
        out.update(seconds=time.perf_counter() - t0, n_sources=len(cat), n_tiles=1)
    elif mode == 'serial':
        fld.worker_model()  # as a worker would, load the model before the clock starts
        t0 = time.perf_counter()
        cat = fld.deblend_mosaic(fits_path, tile=tile, progress=False)
        out.update(seconds=time.perf_counter() - t0, n_sources=len(cat), n_tiles=cat.meta['tiles'])
    else:
        n = int(mode)
        t0 = time.perf_counter()
        with fld.dask_client(n) as client:
            cat = fld.deblend_mosaic(fits_path, tile=tile, scheduler=client.cluster, progress=False)
            out['seconds_cold'] = time.perf_counter() - t0  # cluster start, model loading on each worker, the run
            t1 = time.perf_counter()
            cat = fld.deblend_mosaic(fits_path, tile=tile, scheduler=client.cluster, progress=False)
            out.update(seconds=time.perf_counter() - t1, n_sources=len(cat), n_tiles=cat.meta['tiles'])
            peaks = client.run(_peak_mb)
            out['worker_peak_mb'] = sorted(round(v) for v in peaks.values())
            out['torch_threads'] = sorted(set(client.run(torch.get_num_threads).values()))[-1]  # of the workers
    out['client_peak_mb'] = round(_peak_mb())
    out['megapixels'] = n_pix[0]*n_pix[1]/1e6
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--size', type=int, default=1000, help='mosaic side (ground pixels)')
    ap.add_argument('--n-gal', type=int, default=300, help='galaxies in the mosaic')
    ap.add_argument('--tile', type=int, default=256, help='tile core side (ground pixels)')
    ap.add_argument('--workers', default='1,2', help='comma-separated LocalCluster sizes')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--no-whole', action='store_true', help='skip the untiled whole-image run')
    ap.add_argument('--serial-threads', type=int, default=1,
                    help='torch/OpenMP threads of the serial runs (Dask workers always have 1; 0: torch default)')
    ap.add_argument('--run', help=argparse.SUPPRESS)
    ap.add_argument('--fits', help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.run:
        print(json.dumps(run_one(a.run, a.fits, a.tile))); return
    from ganblend import fields as fld
    modes = ['serial'] + ([] if a.no_whole else ['whole']) + a.workers.split(',')
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        im, truth = fld.simulate_mosaic((a.size, a.size), n=a.n_gal, seed=a.seed, mag_range=(20., 25.), margin=0.)
        f = fld.write_mosaic(Path(d)/'mosaic.fits', im)
        print(f"mosaic {a.size}x{a.size} px ({a.size*0.168/60:.2f}' on a side), {a.n_gal} galaxies, simulated in "
              f"{time.perf_counter() - t0:.0f} s; tile core {a.tile} px; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}", flush=True)
        res = []
        for m in modes:
            env = dict(os.environ)
            if m in ('serial', 'whole') and a.serial_threads: env['OMP_NUM_THREADS'] = str(a.serial_threads)
            r = subprocess.run([sys.executable, __file__, '--run', m, '--fits', str(f), '--tile', str(a.tile)],
                               capture_output=True, text=True, env=env)
            if r.returncode: sys.exit(f"mode {m} failed:\n{r.stderr[-3000:]}")
            res.append(json.loads(r.stdout.strip().splitlines()[-1])); print(json.dumps(res[-1]), flush=True)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    base = res[0]['seconds']
    print(f"\n{'mode':>14} {'time s':>7} {'tiles/s':>8} {'gal/s':>7} {'src/s':>7} {'Mpix/min':>9} {'speed-up':>8}  peak memory (MB)")
    for r in res:
        name = {'serial': 'serial', 'whole': 'whole image'}.get(r['mode'], f"{r['mode']} worker(s)")
        s = r['seconds']
        mem = (f"workers {r['worker_peak_mb']}, client {r['client_peak_mb']}" if 'worker_peak_mb' in r
               else f"process {r['client_peak_mb']}")
        cold = f" (cold {r['seconds_cold']:.0f} s)" if 'seconds_cold' in r else ''
        print(f"{name:>14} {s:7.1f} {r['n_tiles']/s:8.3f} {a.n_gal/s:7.2f} {r['n_sources']/s:7.2f} {r['megapixels']/s*60:9.2f} "
              f"{base/s:8.2f}  {mem}{cold}; {r['n_sources']} sources, torch threads {r['torch_threads']}")


if __name__ == '__main__':
    main()
