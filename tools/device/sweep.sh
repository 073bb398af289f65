#!/usr/bin/env bash
# Tuning sweep on the GPU machine (device-kit/ carried, as for check.sh), TF32, batch 256:
#   tools/device/sweep.sh
# ssam bench embed for every "scanSplit,scanAhead,stage windows[,scanFuseProjection[,prefetch]]" entry
# in EMBED (stage windows: -Dssam.gpu.stageWindows, also the window batch; default below: the split
# scan, inputs loaded ahead, one stage of 256 windows, two of 128 or four of 64, whose downloads overlap
# the next stage, the fused x_proj/dt/scan kernel against the separate ops, downloads started early or
# not) and once at batch 1024 with the defaults, then ssam bench train
# for every "scanSplit,scanAhead,scanChunk" triple in TRAIN; last, bench embed and bench train in
# full fp32 at batch 256 with -Dssam.gpu.pedanticGemm=true (CUBLAS_PEDANTIC_MATH, the fp32 mode of
# every figure before session 7), to set against check.sh's fp32 lines (CUBLAS_DEFAULT_MATH).
# Each step's name carries its settings; each prints one JSON line. Limits: 30 s an embed step, 45 s
# a train step (10 x 30 + 5 x 45 = 525 s at most; each step starts a JVM and compiles the kernels, so
# expect 4 to 6 minutes).
set -uo pipefail
# shellcheck source=cuda-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/cuda-env.sh"
base=("${flags[@]}")
for entry in ${EMBED:-1,1,256 1,8,256 4,8,256 1,8,128 4,8,128 4,8,64 4,8,128,false 4,8,128,true,false}; do
  IFS=, read -r split ahead stage fuse prefetch <<< "$entry"
  fuse="${fuse:-true}"
  prefetch="${prefetch:-true}"
  flags=("${base[@]}" "-Dssam.gpu.scanSplit=$split" "-Dssam.gpu.scanAhead=$ahead" "-Dssam.gpu.stageWindows=$stage"
    "-Dssam.gpu.scanFuseProjection=$fuse" "-Dssam.gpu.prefetch=$prefetch")
  step "sweep embed: scanSplit=$split scanAhead=$ahead stageWindows=$stage scanFuseProjection=$fuse prefetch=$prefetch" \
    30 "$java" \
    "${flags[@]}" -jar "$kit/ssam.jar" \
    bench embed --device cuda --tf32 --threads 1 --batch 256 --seconds 2
done
step "sweep embed: default settings, batch 1024 (8 stages of 128 windows)" 30 "$java" "${base[@]}" \
  -jar "$kit/ssam.jar" bench embed --device cuda --tf32 --threads 1 --batch 1024 --seconds 2
for triple in ${TRAIN:-1,1,16 4,8,16 1,1,8 4,8,8}; do
  IFS=, read -r split ahead chunk <<< "$triple"
  flags=("${base[@]}" "-Dssam.gpu.scanSplit=$split" "-Dssam.gpu.scanAhead=$ahead" "-Dssam.gpu.scanChunk=$chunk")
  step "sweep train: scanSplit=$split scanAhead=$ahead scanChunk=$chunk" 45 "$java" "${flags[@]}" -jar "$kit/ssam.jar" \
    bench train --device cuda --tf32 --config tiny --threads 1 --batch 256 --seconds 3
done
step "sweep embed: fp32, pedanticGemm=true" 30 "$java" "${base[@]}" -Dssam.gpu.pedanticGemm=true \
  -jar "$kit/ssam.jar" bench embed --device cuda --threads 1 --batch 256 --seconds 2
step "sweep train: fp32, pedanticGemm=true" 45 "$java" "${base[@]}" -Dssam.gpu.pedanticGemm=true \
  -jar "$kit/ssam.jar" bench train --device cuda --config tiny --threads 1 --batch 256 --seconds 3
exit "$status"
