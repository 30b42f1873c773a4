"""Paired space/ground cutouts per second from `ganblend.simulate.simulate_pairs`.

Usage: python benchmarks/bench_simulate.py [--n 600] [--workers 1 2] [--blends]
Single band: HST F775W 64x64 <-> HSC i 23x23; multi-band: the 7 HST_BANDS <-> the 5 HSC_BANDS.
One-time set-up (SED colour tables, PSFs, knot kernels) is done by a warm-up call first and not timed.
Prints wall-clock pairs/s and pairs per CPU-second (parent + workers): on a shared, loaded machine the wall-clock
figure drops, the per-CPU-second figure does not; their product with the free cores bounds the rate.
"""
import argparse, os, resource, time
from ganblend.core import HST_BANDS, HSC_BANDS
from ganblend.simulate import simulate_pairs
from ganblend.blends import simulate_blends

def _cpu():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime

def bench(n, workers, space_bands, ground_bands, fn=simulate_pairs):
    t0, c0 = time.perf_counter(), _cpu()
    fn(n, seed=1, space_bands=space_bands, ground_bands=ground_bands, n_workers=workers, progress=False)
    return n/(time.perf_counter() - t0), n/(_cpu() - c0)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n', type=int, default=600, help='pairs per single-band run (multi-band runs use n/5)')
    p.add_argument('--workers', type=int, nargs='+', default=[1, 2])
    p.add_argument('--blends', action='store_true', help='also time simulate_blends (2 galaxies + parts per blend)')
    a = p.parse_args()
    for sb, gb in ((['hst-f775w'], ['hsc-i']), (HST_BANDS, HSC_BANDS)):  # warm-up: colour tables, PSFs, kernels
        simulate_pairs(4, space_bands=sb, ground_bands=gb, progress=False)
    print(f"cpu cores: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.1f}")
    print(f"{'bands':<8}{'n_workers':>10}{'n':>7}{'pairs/s':>10}{'pairs/cpu-s':>13}")
    for name, sb, gb, n in (('1+1', ['hst-f775w'], ['hsc-i'], a.n), ('7+5', HST_BANDS, HSC_BANDS, max(a.n//5, 8))):
        for w in a.workers:
            r, rc = bench(n, w, sb, gb)
            print(f"{name:<8}{w:>10}{n:>7}{r:>10.1f}{rc:>13.1f}", flush=True)
    if a.blends:
        for w in a.workers:
            r, rc = bench(a.n//2, w, ['hst-f775w'], ['hsc-i'], simulate_blends)
            print(f"{'blends':<8}{w:>10}{a.n//2:>7}{r:>10.1f}{rc:>13.1f}  (blends/s: each is 2 galaxies on 2 grids)", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")

if __name__ == '__main__': main()
