"""sep or the PSF-matched peak finder on the enhanced image, each followed by the ground-pixel confirmation of companions?

    python experiments/detect_method_confirm.py [--weights hsc-i] [--n 600] [--methods peak,sep]

For each detection method, `ganblend.deblend.calibrate_detection(model, method=..., n=..., grid=True)` (its default grid,
confirmation included) on the validation simulations (seed 12345), and the best recognized fraction at false_split
≤ 2, 2.5 and 3% (≤ 5 blank-sky detections per arcmin²). Before confirmation the peak finder finds many more of the
close pairs (`experiments/README.md`, "Where the close pairs are lost"); this measures whether that survives the confirmation.
About 14 minutes per method for n=600 on two CPU cores.
"""
import argparse, time, torch
from ganblend.deblend import calibrate_detection
from ganblend.enhance import load_enhancer

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--weights', default='hsc-i'); ap.add_argument('--n', type=int, default=600)
    ap.add_argument('--methods', default='peak,sep'); ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args(); torch.set_num_threads(a.threads)
    m = load_enhancer(a.weights)
    for method in a.methods.split(','):
        t0 = time.time()
        d, val, tab = calibrate_detection(m, method=method, n=a.n, grid=True)
        print(f"{method}: chosen {d}, {val} ({time.time() - t0:.0f} s)", flush=True)
        for lim in (0.02, 0.025, 0.03):
            ok = tab[(tab['false_split'] <= lim) & (tab['blank_density'] <= 5)]
            print(f"  false_split <= {lim}: best recognized {ok['recognized'].max() if len(ok) else float('nan'):.3f}", flush=True)

if __name__ == '__main__': main()
