#!/usr/bin/env bash
# Where the GPU time goes, on the GPU machine (device-kit/ carried, as for check.sh):
#   tools/device/profile.sh [--tests] [BATCH]    # BATCH default 256; --tests: the CUDA parity tests first
# ssam bench embed and ssam bench train (SSAM-Tiny, --device cuda) with --profile: the timing line,
# then one gpu_step line (launches and copies of one step, profiled step time, host time between
# ops) and gpu_profile lines (per op and kernel, most time first; every launch is timed between
# waits for the device, so the profiled step is slower than the timed one). Then the same timings
# with --tf32. Limits: (70 +) 60 + 40 + 90 + 60 s.
set -uo pipefail
# shellcheck source=cuda-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/cuda-env.sh"
if [ "${1:-}" = --tests ]; then
  parity_tests 70
  shift
fi
batch="${1:-256}"
step "profile: ssam bench embed" 60 "$java" "${flags[@]}" -jar "$kit/ssam.jar" \
  bench embed --device cuda --threads 1 --batch "$batch" --window-batch "$batch" --seconds 3 --profile
step "ssam bench embed --tf32" 40 "$java" "${flags[@]}" -jar "$kit/ssam.jar" \
  bench embed --device cuda --tf32 --threads 1 --batch "$batch" --window-batch "$batch" --seconds 3
step "profile: ssam bench train" 90 "$java" "${flags[@]}" -jar "$kit/ssam.jar" \
  bench train --device cuda --config tiny --threads 1 --batch "$batch" --seconds 4 --profile
step "ssam bench train --tf32" 60 "$java" "${flags[@]}" -jar "$kit/ssam.jar" \
  bench train --device cuda --tf32 --config tiny --threads 1 --batch "$batch" --seconds 4
exit "$status"
