"""Training and inference throughput of the ganblend models.

    python benchmarks/bench_train.py                       # CPU: training samples/s of the shipped presets
    python benchmarks/bench_train.py --device cuda --amp   # GPU: + bf16 inference outputs/s (64x64 outputs)

Training runs `ganblend.train.train` (discriminator + generator step per batch) on in-memory random pairs of the
documented shapes, so the numbers measure the model and the loop, not the simulator or the data pipeline.
Samples/s is measured on the last epoch (the first includes warm-up / cuDNN autotuning).
"""
import argparse, json, time
import torch
from torch.utils.data import Dataset
from ganblend.runtime import autocast, resolve_device
from ganblend.metrics import SyntheticPairs
from ganblend.train import PRESETS, CPU_SIZE, TrainConfig, build_model, train


class MemoryPairs(Dataset):
    "SyntheticPairs materialised once (fixed noise): item cost is a tensor index."
    def __init__(self, n, in_bands, out_bands):
        src = SyntheticPairs(n, in_bands, out_bands, seed=0)
        items = [src[i] for i in range(n)]
        self.ground = torch.stack([it['ground'] for it in items]); self.space = torch.stack([it['space'] for it in items])
    def __len__(self): return len(self.ground)
    def __getitem__(self, i): return {'ground': self.ground[i], 'space': self.space[i], 'idx': i}


def bench_train(config, device, batch_size, steps, amp, **size):
    p = PRESETS[config]
    ds = MemoryPairs(batch_size*steps, len(p['ground_bands']), len(p['space_bands']))
    torch.manual_seed(0)
    model = build_model(config, **size)
    n_par = sum(q.numel() for q in model.generator.parameters())
    cfg = TrainConfig(epochs=2, batch_size=batch_size, device=device, amp=amp, progress=False, seed=0)
    h = train(model, ds, None, cfg)
    return n_par, h['train'][-1]['samples_per_s'], h['amp']


@torch.inference_mode()
def bench_infer(config, device, batch_size, amp, seconds=5.0, compile=False, **size):
    p = PRESETS[config]
    torch.manual_seed(0)
    g = build_model(config, **size).generator.to(device).eval()
    if compile: g = torch.compile(g)
    x = torch.randn(batch_size, len(p['ground_bands']) + 1, 23, 23, device=device)
    def run():
        with autocast(device, amp): return g(x)
    for _ in range(3): y = run()
    if device.type == 'cuda': torch.cuda.synchronize()
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        y = run(); n += batch_size
    if device.type == 'cuda': torch.cuda.synchronize()
    dt = time.perf_counter() - t0
    return n*y.shape[1]/dt, tuple(y.shape[1:])


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--device', default='auto'); ap.add_argument('--configs', default='single,multi')
    ap.add_argument('--batch-size', type=int, default=64); ap.add_argument('--steps', type=int, default=10)
    ap.add_argument('--infer-batch', type=int, default=4096); ap.add_argument('--amp', action='store_true')
    ap.add_argument('--width', type=int, help='generator width (default: the model default; see ganblend.train.CPU_SIZE for the CPU preset)')
    ap.add_argument('--depth', type=int)
    ap.add_argument('--threads', type=int, default=0, help='torch CPU threads (0: default)')
    ap.add_argument('--compile', action='store_true', help='also time torch.compile inference (GPU)')
    ap.add_argument('--json', help='write the results to this file')
    a = ap.parse_args()
    dev = resolve_device(a.device)
    if a.threads: torch.set_num_threads(a.threads)
    res = []
    if a.width or a.depth: sizes = [('custom', {k: v for k, v in (('width', a.width), ('depth', a.depth)) if v})]
    elif dev.type == 'cpu': sizes = [('cpu-preset', CPU_SIZE), ('full', {})]
    else: sizes = [('full', {})]
    for c in a.configs.split(','):
        for sname, size in sizes:
            n_par, sps, amp_used = bench_train(c, dev, a.batch_size, a.steps, a.amp, **size)
            r = {'config': c, 'size': sname, 'device': str(dev), 'threads': torch.get_num_threads(), 'train_bf16': amp_used,
                 'generator_params': n_par, 'batch_size': a.batch_size, 'train_samples_per_s': round(sps, 1)}
            if dev.type == 'cuda':
                ops, shape = bench_infer(c, dev, a.infer_batch, a.amp, **size)
                r.update(infer_bf16=a.amp, infer_batch=a.infer_batch, output_shape=shape)
                if a.compile:
                    try: ops = max(ops, bench_infer(c, dev, a.infer_batch, a.amp, compile=True, **size)[0]); r['compiled'] = True
                    except Exception as e: r['compile_error'] = f'{type(e).__name__}: {str(e)[:100]}'
            else: ops, shape = bench_infer(c, dev, 256, False, seconds=3, **size)
            r['infer_64x64_outputs_per_s'] = round(ops); r['infer_galaxies_per_s'] = round(ops/shape[0])
            res.append(r); print(json.dumps(r), flush=True)
    if dev.type == 'cuda': print('GPU:', torch.cuda.get_device_name(dev))
    if a.json:
        with open(a.json, 'w') as f: json.dump(res, f, indent=1)
