#!/usr/bin/env bash
# The CUDA check on a bare GPU machine (no Java there): run from the repository root after
# tools/device/prepare.sh built device-kit/ on the build machine and device-kit/ was carried over.
#   tools/device/check.sh
# Steps, each under its own time limit (expect about 4 minutes in all):
#   1. nvidia-smi: the GPU, driver and memory (one line);
#   2. the CUDA tests through the JUnit launcher: runtime.cuda and the ops parity suites' cuda cases
#      only (DeviceTests and OnlyCudaCases in tools/device/runner drop everything else);
#   3. ssam bench embed (SSAM-Tiny inference) and 4. ssam bench train (SSAM-Tiny training), batch 64
#      and 256, --device cuda, in full fp32 and with --tf32: one JSON line per figure (embed with the
#      default window batch: stages of 128 windows, each stage's features downloaded and assembled
#      while the next stage computes; sweep.sh times 256 in one stage too); the embed steps
#      also compare 8 clips' embeddings with the cpu's (an embed_check line; in fp32 a difference past
#      the whole-model tolerance fails the step), and the fp32 train step one forward and backward on
#      8 clips (a train_check line: loss and every gradient against the cpu's). The TF32 steps end
#      with --profile: after the timing, gpu_step and gpu_profile lines (where the time goes).
# Limits: nvidia-smi 10 s, two library searches 10 s each, the steps 100 + 2 x 55 + 75 + 60 s: 345 s
# at most (370 s counting the 5 s grace before each kill); 3.4 minutes on a bare H100 machine in
# session 8, the parity step 96 s of it: it compiles about 30 variants of the scan's source (NVRTC,
# about a second each; later steps find them in the kernel cache) and prints each test class as it
# ends.
# Exits 0 when every step passed; otherwise with the first failing step's status (124: a time limit).
# Without an NVIDIA GPU it stops at step 1 with a message and status 3.
set -uo pipefail
# shellcheck source=cuda-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/cuda-env.sh"

parity_tests 100
for math in "" --tf32; do
  step "ssam bench embed (SSAM-Tiny inference${math:+, TF32})" 55 "$java" "${flags[@]}" -jar "$kit/ssam.jar" \
    bench embed --device cuda $math ${math:+--profile} --threads 1 --batch 64,256 --seconds 3 --check 8
done
step "ssam bench train (SSAM-Tiny training)" 75 "$java" "${flags[@]}" -jar "$kit/ssam.jar" \
  bench train --device cuda --config tiny --threads 1 --batch 64,256 --seconds 4 --check 8
step "ssam bench train (SSAM-Tiny training, TF32)" 60 "$java" "${flags[@]}" -jar "$kit/ssam.jar" \
  bench train --device cuda --tf32 --profile --config tiny --threads 1 --batch 64,256 --seconds 4
exit "$status"
