#!/usr/bin/env bash
# The second GPU leg of the shift-equivariant enhancer (`--arch dilated`) at 0.61", on one GPU in a fixed wall-clock
# budget. Two runs share the GPU and one freshly simulated wide-population set (seed 23, not the first leg's 21):
#   cont: `experiments/weights/dilated-wide-0.61` (the first leg, 2.2M samples) trained on, at a lower learning rate
#         (1e-4 for both players; the 0.85" run of the first leg collapsed at 3e-4);
#   w96:  the same recipe from scratch with twice the width (96 feature maps), to tell capacity from training time.
#
#   bash tools/train_device_continue.sh OUT [SECONDS]   # SECONDS: the whole budget, simulation included (default 560)
#
# The set goes to $WORK (default /tmp/gb_work), the weights, histories and logs of both runs to OUT/cont and OUT/w96.
# Run it from the repository root with the package and its dependencies importable (installed, or on PYTHONPATH).
set -uo pipefail
out=${1:?usage: train_device_continue.sh OUT [SECONDS]}
budget=${2:-560}
n=${N:-48000}; device=${DEVICE:-cuda}; work=${WORK:-/tmp/gb_work}   # N, DEVICE: smaller sets and the CPU, to try it
t0=$(date +%s)
export PYTHONUNBUFFERED=1 MPLBACKEND=Agg
launcher=$(mktemp --suffix=.py)   # the console script `ganblend-simulate`, where the package is not installed
printf 'from ganblend.data import simulate_cli\nsimulate_cli()\n' > "$launcher"
mkdir -p "$work" "$out/cont" "$out/w96"
python3 "$launcher" "$work/data" --n "$n" --seed 23 --blend-frac 0.5 --population wide --n-workers "$(nproc)" --quiet \
    || { echo "simulation failed"; exit 1; }
echo "simulated in $(( $(date +%s) - t0 )) s"
# what is left, less ~70 s for the final validation on 2,000 pairs, the plots and the weights
mins=$(python3 -c "print(round(max($budget - ($(date +%s) - $t0) - 70, 30)/60, 2))")
echo "training for $mins minutes"
workers=$(( $(nproc) / 2 - 2 > 1 ? $(nproc) / 2 - 2 : 1 ))
common=(--config single --data "$work/data" --name hsc-i --device "$device" --batch-size 256 --epochs 10000
        --max-minutes "$mins" --loader-workers "$workers" --n-val 512 --seed 23 --quiet)
python3 -m ganblend.train "${common[@]}" --out "$work/cont" --init experiments/weights/dilated-wide-0.61 \
    --lr-g 1e-4 --lr-d 1e-4 > "$out/cont.log" 2>&1 &
python3 -m ganblend.train "${common[@]}" --out "$work/w96" --arch dilated --width 96 --lr-g 2e-4 \
    > "$out/w96.log" 2>&1 &
wait
for run in cont w96; do cp "$work/$run"/hsc-i.safetensors "$work/$run"/hsc-i.json "$work/$run"/hsc-i.history.json \
    "$out/$run/" 2>/dev/null; tail -n 3 "$out/$run.log"; done
echo "done in $(( $(date +%s) - t0 )) s"
