"""Run the whole ganblend test suite: notebook/package drift check, every notebook with nbdev-test, then pytest.

Prints one line per notebook and a final `N passed, N failed` line (notebooks + pytest tests).
Exit status is non-zero when anything fails, when the notebooks and the package have drifted, or when no test ran.
"""
import os, re, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def sh(cmd, **kw): return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, **kw)

def drift_check():
    "nbdev-clean + nbdev-export must leave the tree exactly as committed."
    if not (ROOT/'.git').exists(): return print('drift check: not a git checkout, skipped')
    before = sh(['git', 'status', '--porcelain']).stdout
    for cmd in (['nbdev-clean'], ['nbdev-export']):
        r = sh(cmd)
        if r.returncode: sys.exit(f"{cmd[0]} failed:\n{r.stdout}{r.stderr}")
    after = sh(['git', 'status', '--porcelain']).stdout
    if after != before:
        print(sh(['git', 'diff', '--stat']).stdout)
        sys.exit("drift: nbdev-clean/nbdev-export changed the tree; notebooks and package are out of sync:\n" + after)
    print('drift check: notebooks and package agree')

def run_nb(nb):
    t0 = time.time()
    r = sh(['nbdev-test', str(nb.relative_to(ROOT))])
    ok = r.returncode == 0 and 'Success' in r.stdout
    return nb.name, ok, time.time() - t0, (r.stdout + r.stderr)[-6000:]

def main():
    drift_check()
    nbs = sorted(p for p in (ROOT/'nbs').glob('*.ipynb') if not p.name.startswith('_'))
    if not nbs: sys.exit('no notebook found under nbs/: nothing was tested')
    n_workers = int(os.environ.get('GANBLEND_TEST_WORKERS', os.cpu_count() or 2))
    passed = failed = 0
    with ThreadPoolExecutor(n_workers) as ex:
        for name, ok, dt, out in ex.map(run_nb, nbs):
            print(f"{'PASS' if ok else 'FAIL'} {name} ({dt:.0f} s)", flush=True)
            if ok: passed += 1
            else: failed += 1; print(out)
    # the docs site is built from the processed notebooks: processing them must succeed (Quarto itself runs on GitHub)
    r = sh(['nbdev-proc-nbs'])
    ok = r.returncode == 0
    print(f"{'PASS' if ok else 'FAIL'} docs: nbdev-proc-nbs", flush=True)
    if ok: passed += 1
    else: failed += 1; print((r.stdout + r.stderr)[-4000:])
    t = [p for p in (ROOT/'tests').glob('test_*.py')]
    if t:
        r = sh([sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests'])
        print(r.stdout[-8000:], r.stderr[-2000:])
        m = dict((k, int(v)) for v, k in re.findall(r'(\d+) (passed|failed|error|errors)', r.stdout.splitlines()[-1] if r.stdout else ''))
        passed += m.get('passed', 0); failed += m.get('failed', 0) + m.get('error', 0) + m.get('errors', 0)
        if r.returncode not in (0, 1, 5): failed += 1  # pytest crashed or was interrupted
    if passed + failed == 0: sys.exit('no test ran')
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)

if __name__ == '__main__': main()
