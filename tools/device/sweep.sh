#!/usr/bin/env bash
# Tuning sweep on the GPU machine (device-kit/ carried, as for check.sh), TF32, batch 256:
#   tools/device/sweep.sh
# ssam bench embed for every scanSplit in SPLITS (default "1 4 8") at window batches 128 and 256
# (one stage of 256 windows, or two of 128), then ssam bench train for each (scanSplit, scanChunk)
# pair in TRAIN (default "1,16 4,16 4,8"). Each step's name carries its settings; each prints one
# JSON line per figure. Limits: 30 s an embed step, 45 s a train step (315 s at most; each step
# starts a JVM and compiles the kernels, so expect 3 to 5 minutes).
set -uo pipefail
# shellcheck source=cuda-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/cuda-env.sh"
base=("${flags[@]}")
for split in ${SPLITS:-1 4 8}; do
  for wb in 128 256; do
    flags=("${base[@]}" "-Dssam.gpu.scanSplit=$split")
    step "sweep embed: scanSplit=$split window-batch=$wb" 30 "$java" "${flags[@]}" -jar "$kit/ssam.jar" \
      bench embed --device cuda --tf32 --threads 1 --batch 256 --window-batch "$wb" --seconds 2
  done
done
for pair in ${TRAIN:-1,16 4,16 4,8}; do
  split="${pair%,*}"
  chunk="${pair#*,}"
  flags=("${base[@]}" "-Dssam.gpu.scanSplit=$split" "-Dssam.gpu.scanChunk=$chunk")
  step "sweep train: scanSplit=$split scanChunk=$chunk" 45 "$java" "${flags[@]}" -jar "$kit/ssam.jar" \
    bench train --device cuda --tf32 --config tiny --threads 1 --batch 256 --seconds 3
done
exit "$status"
