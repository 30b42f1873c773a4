#!/usr/bin/env bash
# Train the shift-equivariant enhancers (`--arch dilated`) on the wide galaxy population, on one GPU, in a fixed
# wall-clock budget: `hsc-i` (0.61") and `hsc-i@0.85`, both at once (two simulations, then two trainings sharing the GPU).
#
#   bash tools/train_device.sh OUT [SECONDS]     # SECONDS: the whole budget, simulation included (default 540)
#
# Each run: `ganblend-simulate OUT/<run>/data --n 48000 --blend-frac 0.5 --population wide [--seeing 0.85]`, then
# `ganblend-train --config single --arch dilated --data OUT/<run>/data --device cuda --batch-size 256 --lr-g 3e-4`
# for what is left of the budget. The commands are recorded in each set's meta.json and each model's meta.training.
# Run it from the repository root with the package and its dependencies importable (installed, or on PYTHONPATH).
set -uo pipefail
out=${1:?usage: train_device.sh OUT [SECONDS]}
budget=${2:-540}
n=${N:-48000}; device=${DEVICE:-cuda}   # N, DEVICE: smaller sets and the CPU, to try the script
t0=$(date +%s)
export PYTHONUNBUFFERED=1 MPLBACKEND=Agg
launcher=$(mktemp --suffix=.py)   # the console script `ganblend-simulate`, where the package is not installed
printf 'from ganblend.data import simulate_cli\nsimulate_cli()\n' > "$launcher"
sim() { python3 "$launcher" "$@"; }
mkdir -p "$out/d061" "$out/d085"
nproc_half=$(( $(nproc) / 2 ))
sim "$out/d061/data" --n "$n" --seed 21 --blend-frac 0.5 --population wide --n-workers "$nproc_half" --quiet &
sim "$out/d085/data" --n "$n" --seed 22 --blend-frac 0.5 --population wide --seeing 0.85 \
    --n-workers "$nproc_half" --quiet &
wait
echo "simulated in $(( $(date +%s) - t0 )) s"
# what is left, less ~60 s for the final validation on 2,000 pairs, the plots and the weights
mins=$(python3 -c "print(round(max($budget - ($(date +%s) - $t0) - 60, 60)/60, 2))")
echo "training for $mins minutes"
workers=$(( nproc_half - 2 > 1 ? nproc_half - 2 : 1 ))
for run in d061 d085; do
    name=hsc-i; [ "$run" = d085 ] && name=hsc-i@0.85
    python3 -m ganblend.train --config single --arch dilated --data "$out/$run/data" --out "$out/$run" --name "$name" \
        --device "$device" --batch-size 256 --lr-g 3e-4 --epochs 10000 --max-minutes "$mins" \
        --loader-workers "$workers" --n-val 512 --seed "${run#d0}" --quiet > "$out/$run.log" 2>&1 &
done
wait
tail -n 4 "$out"/d061.log "$out"/d085.log
echo "done in $(( $(date +%s) - t0 )) s"
