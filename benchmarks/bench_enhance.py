"""Benchmark the ganblend enhancer on CPU.

Prints:
  * generator throughput: 64x64 outputs per second for the default single-band config (23x23 ground stamps in, batch 256),
    on `--threads` CPU threads (default 2);
  * the same for bicubic upsampling measured in the same run (torch `interpolate`, ganblend's centre-aligned
    `upsample`, and `scipy.ndimage.zoom(order=3)`), and the ratio;
  * peak memory (resident set size of a fresh process, and numpy's traced peak) of tiled enhancement of large
    images (`--sizes`, default 2048; add 4096 for the 4k x 4k case).

Usage:  python benchmarks/bench_enhance.py [--threads 2] [--sizes 2048 4096] [--weights PATH] [--json out.json]
The default uses the shipped `hsc-i` weights when present, otherwise a randomly initialised generator of the
default configuration (same speed).
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path

import numpy as np


SYNC = lambda: None

CPU_RATE = {}

def timeit(fn, n_items, repeat=5, warmup=1, key=None):
    """Median items/s (wall clock) over `repeat` calls of `fn` (after `warmup` calls).
    Also records in CPU_RATE[key] the items per CPU-second of this process times the thread count: what the wall-clock
    rate would be on idle cores (a shared machine's other load slows the wall clock, much less the CPU time)."""
    for _ in range(warmup): fn()
    SYNC()
    ts, cs = [], []
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter(); fn(); SYNC(); ts.append(time.perf_counter() - t0); cs.append(time.process_time() - c0)
    if key: CPU_RATE[key] = n_items/float(np.median(cs))*THREADS[0]
    return n_items/float(np.median(ts))

THREADS = [1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--batch', type=int, default=256)
    ap.add_argument('--repeat', type=int, default=5)
    ap.add_argument('--sizes', type=int, nargs='*', default=[2048], help='ground image sides for the memory test (0 = skip)')
    ap.add_argument('--weights', default=None, help='weights path (default: shipped hsc-i, else a random default model)')
    ap.add_argument('--json', default=None, help='also write the results here')
    ap.add_argument('--device', default='cpu', help="'cpu' (default) or 'cuda' for the throughput part")
    a = ap.parse_args()

    import torch, torch.nn.functional as F
    from scipy import ndimage
    torch.set_num_threads(a.threads); THREADS[0] = a.threads
    from ganblend.models import Enhancer, EnhancerConfig, save_model, upsample
    from ganblend.enhance import load_enhancer, available_enhancers

    tmp = tempfile.TemporaryDirectory()
    if a.weights: model, src = load_enhancer(path=a.weights), a.weights
    elif 'hsc-i' in available_enhancers(): model, src = load_enhancer('hsc-i'), 'shipped hsc-i'
    else:
        torch.manual_seed(0); model, src = Enhancer(EnhancerConfig()).eval().to(memory_format=torch.channels_last), 'random default config'
    weights = a.weights or str(Path(tmp.name)/'bench')
    if not a.weights: save_model(model, weights)
    cfg = model.cfg
    n_par = sum(p.numel() for p in model.parameters())
    B = a.batch
    global SYNC
    if a.device != 'cpu': SYNC = torch.cuda.synchronize; model = model.to(a.device)
    x = torch.randn(B, cfg.in_bands + 1, 23, 23, device=a.device); x[:, -1] = 0
    g = x[:, :cfg.in_bands].contiguous()
    res = {'device': a.device, 'threads': a.threads, 'model': src, 'generator_params': n_par, 'batch': B, 'torch': torch.__version__,
           'cpu': next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')}
    with torch.inference_mode():
        res['enhancer_per_s'] = timeit(lambda: model(x), B, a.repeat, key='enhancer')
        res['bicubic_torch_per_s'] = timeit(lambda: F.interpolate(g, size=(64, 64), mode='bicubic', align_corners=False), B, a.repeat, key='bicubic')
        res['bicubic_upsample_per_s'] = timeit(lambda: upsample(g, (64, 64), cfg.scale), B, a.repeat)
    gn = g.cpu().numpy()
    res['bicubic_scipy_per_s'] = timeit(lambda: [ndimage.zoom(im[0], 64/23, order=3) for im in gn], B, max(1, a.repeat//2))
    res['ratio_vs_torch_bicubic'] = res['bicubic_torch_per_s']/res['enhancer_per_s']
    res['ratio_vs_scipy_zoom'] = res['bicubic_scipy_per_s']/res['enhancer_per_s']
    print(f"device {a.device}; CPU: {res['cpu']}, {a.threads} threads, torch {torch.__version__}; generator: {src}, {n_par:,} parameters")
    res['cpu_time_rates'] = dict(CPU_RATE)
    print(f"enhancer                 {res['enhancer_per_s']:10.0f} 64x64 outputs/s"
          + (f"   (from CPU time: {CPU_RATE['enhancer']:.0f}/s on idle cores)" if a.device == 'cpu' else ''))
    print(f"bicubic (torch)          {res['bicubic_torch_per_s']:10.0f} outputs/s   ({res['ratio_vs_torch_bicubic']:.1f}x the enhancer)")
    print(f"bicubic (ganblend.upsample, grid_sample) {res['bicubic_upsample_per_s']:10.0f} outputs/s")
    print(f"bicubic (scipy zoom)     {res['bicubic_scipy_per_s']:10.0f} outputs/s   ({res['ratio_vs_scipy_zoom']:.2f}x the enhancer)")

    res['memory'] = []
    for n in [s for s in a.sizes if s > 0]:
        code = ("import torch; torch.set_num_threads(%d); from ganblend.enhance import _memory_probe; "
                "print(repr(_memory_probe(%d, %r)))" % (a.threads, n, weights))
        r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
        if r.returncode: print(f"memory test {n}x{n} failed:\n{r.stderr[-2000:]}"); continue
        m = eval(r.stdout.strip().splitlines()[-1]); res['memory'].append(m)
        print(f"tiled enhancement of a {n}x{n} ground image -> {m['out_shape']}: {m['seconds']} s, "
              f"peak RSS {m['rss_peak_mb']} MB (process before the call: {m['rss_before_mb']} MB), "
              f"numpy traced peak {m['numpy_traced_peak_mb']} MB, output array {m['output_mb']} MB")
    if a.json: Path(a.json).write_text(json.dumps(res, indent=1))


if __name__ == '__main__':
    main()
