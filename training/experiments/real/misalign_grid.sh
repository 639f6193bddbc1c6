#!/usr/bin/env bash
# The real-data comparison under injected misalignment (issue 10; docs/results.md §0.5), on the real training
# split with the SAR side moved by 0 (natural, <= 1 px), 2, 4 or 8 px (eo2sar_train.misalign, mode "integer":
# one random direction per chip, unless the recipe says otherwise), the same compute for every method:
#   p2p        Pix2Pix, plain L1: 1200 steps at 96 px chips;
#   p2ptol     Pix2Pix, L1 to the best SAR shift within +-2 px (the shipped loss): the same;
#   p2punet    Pix2Pix with the reference's U-Net (dropout 0.5, transposed convs), depth 5 for 96 px chips:
#              1200 steps, a third of the ResNet's compute; p2punetc: 3600 steps, the same compute
#              (real-cpu.yaml stops at max_steps=2000, so longer recipes raise it);
#   pair       CycleGAN + pair loss (N = 3; about 2x the cost per step): 580 steps at 64 px chips;
#   pairN1..5  the same with N = 1..5 and the pair loss normalised per N (loss.pair_norm=scale);
#   cyc        CycleGAN: the same as pair without the pair loss;
#   {pair,cyc}inst, {pair,cyc}instna   instance norm with / without the learnt affine (the reference's);
#   {p2p,pair}const, {p2p,pair}field   a constant offset for every chip / a smooth non-rigid field;
# each with the CycleGAN schedule (constant, then linear decay) over its steps. Two runs at a time, one thread
# each: about 9 min per two runs on 2 CPU cores (the default p2p + pair grid: about 80 min). Then score them:
#   PYTHONPATH=training .venv/bin/python training/experiments/real/misalign_study.py training/runs/real/mis
# Usage: [METHODS="p2p pair"] [LEVELS="0 4 8"] misalign_grid.sh [SEEDS...]   (default seeds 0 1 2)
#        misalign_grid.sh RUN...   where RUN is METHOD-mPX-sSEED, e.g. pairN1-m4-s0 (the study's folder name)
#        DRY_RUN=1 misalign_grid.sh ...   prints "FOLDER<TAB>OVERRIDES" per run instead of training
set -euo pipefail
cd "$(dirname "$0")/../../.."
R=training/experiments/real
NET="model.generator.upsample=bilinear-conv model.generator.input_skip=true"
P2P="method=pix2pix optim.epochs=60 optim.epochs_decay=60"
CYC="data.chip_size=64 optim.epochs=29 optim.epochs_decay=29"
BATCH="model.generator.norm=batch $NET"
UNET="model.generator.kind=unet model.generator.unet_depth=5 model.generator.norm=batch"
declare -A RECIPE=(
  [p2p]="$P2P $BATCH"
  [p2ptol]="$P2P $BATCH loss.l1_max_shift=2"
  [p2punet]="$P2P $UNET"
  [p2punetc]="$P2P $UNET optim.epochs=180 optim.epochs_decay=180 optim.max_steps=3600"
  [pair]="method=pairloss $BATCH $CYC"
  [cyc]="method=cyclegan $BATCH $CYC"
  [pairinst]="method=pairloss model.generator.norm=instance $NET $CYC"
  [pairinstna]="method=pairloss model.generator.norm=instance-noaffine $NET $CYC"
  [cycinst]="method=cyclegan model.generator.norm=instance $NET $CYC"
  [cycinstna]="method=cyclegan model.generator.norm=instance-noaffine $NET $CYC"
  [p2pconst]="$P2P $BATCH data.misalignment_mode=constant"
  [pairconst]="method=pairloss $BATCH $CYC data.misalignment_mode=constant"
  [p2pfield]="$P2P $BATCH data.misalignment_mode=field"
  [pairfield]="method=pairloss $BATCH $CYC data.misalignment_mode=field"
)
for n in 1 2 3 4 5; do RECIPE[pairN$n]="method=pairloss $BATCH $CYC loss.pair_n=$n loss.pair_norm=scale"; done
names=()
seeds=()
for arg in "$@"; do
  if [[ $arg =~ ^[0-9]+$ ]]; then seeds+=("$arg"); else names+=("$arg"); fi
done
if [ ${#names[@]} -eq 0 ]; then
  read -r -a methods <<< "${METHODS:-p2p pair}"
  read -r -a levels <<< "${LEVELS:-0 4 8}"
  [ ${#seeds[@]} -gt 0 ] || seeds=(0 1 2)
  for seed in "${seeds[@]}"; do
    for m in "${levels[@]}"; do
      for method in "${methods[@]}"; do names+=("$method-m$m-s$seed"); done
    done
  done
fi
jobs=()
for name in "${names[@]}"; do
  [[ $name =~ ^(.+)-m([0-9]+)-s([0-9]+)$ ]] || { echo "bad run name $name (METHOD-mPX-sSEED)" >&2; exit 2; }
  method=${BASH_REMATCH[1]} m=${BASH_REMATCH[2]} seed=${BASH_REMATCH[3]}
  [ -n "${RECIPE[$method]:-}" ] || { echo "unknown method $method (${!RECIPE[*]})" >&2; exit 2; }
  # the mode first, so that a recipe's own misalignment_mode wins
  jobs+=("mis/$name" "data.misalignment_mode=integer ${RECIPE[$method]} data.misalignment_px=$m seed=$seed data.seed=$seed")
done
if [ -n "${DRY_RUN:-}" ]; then
  for ((i = 0; i < ${#jobs[@]}; i += 2)); do printf '%s\t%s\n' "${jobs[i]}" "${jobs[i + 1]}"; done
  exit 0
fi
for ((i = 0; i < ${#jobs[@]}; i += 4)); do
  $R/run_round.sh "${jobs[@]:i:4}"
done
