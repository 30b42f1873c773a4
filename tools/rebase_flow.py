"""Re-base the shipped flow-matching enhancer on the shipped GAN: swap its frozen base generator for the current one.

    python tools/rebase_flow.py OUT [--flow hsc-i-flow] [--base hsc-i]

The flow model (`ganblend.diffusion`, `nbs/10_diffusion.ipynb`) refines the output of a frozen GAN generator, its
base. When the base is fine-tuned (e.g. with the blank-sky term), the flow still carries the old one. This writes
OUT.safetensors/.json: the flow's own weights unchanged, its base replaced by the weights and configuration of
`--base`, the metadata kept except the detection calibration, which belongs to the old base and must be redone
(`python -c "from ganblend.diffusion import store_flow_detection; store_flow_detection('OUT')"`, 11 minutes
on the 2-core CPU).
"""
import argparse, time
from ganblend.enhance import load_enhancer
from ganblend.models import save_model, FlowConfig, FlowModel

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('out'); ap.add_argument('--flow', default='hsc-i-flow'); ap.add_argument('--base', default='hsc-i')
    a = ap.parse_args()
    flow, base = load_enhancer(a.flow), load_enhancer(a.base)
    flow.base.load_state_dict(base.state_dict())
    d = flow.cfg.to_dict()
    d.update(base=base.cfg.to_dict(), base_name=a.base)
    flow.cfg = FlowConfig.from_dict(d)
    meta = {k: v for k, v in flow.meta.items() if k != 'detection'}
    meta['rebased'] = dict(base=a.base, base_config_hash=base.cfg.hash, date=time.strftime('%Y-%m-%d'),
                           command=f"python tools/rebase_flow.py OUT --flow {a.flow} --base {a.base}")
    fm = FlowModel(flow.cfg)   # saved as the shipped file is: the training wrapper's class
    fm.generator.load_state_dict(flow.state_dict())
    print(*save_model(fm, a.out, meta=meta), sep='\n')

if __name__ == '__main__': main()
