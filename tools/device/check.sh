#!/usr/bin/env bash
# The CUDA check on a bare GPU machine (no Java there): run from the repository root after
# tools/device/prepare.sh built device-kit/ on the build machine and device-kit/ was carried over.
#   tools/device/check.sh
# Steps, each under its own time limit (the whole run stays under 5 minutes):
#   1. nvidia-smi: the GPU, driver and memory (one line);
#   2. the CUDA tests through the JUnit launcher: runtime.cuda and the ops parity suites' cuda cases
#      only (DeviceTests and OnlyCudaCases in tools/device/runner drop everything else);
#   3. ssam bench embed (SSAM-Tiny inference) and 4. ssam bench train (SSAM-Tiny training), batch 64
#      and 256, --device cuda: one JSON line per figure.
# Limits: nvidia-smi 15 s, two library searches 10 s each, the steps 100 + 55 + 75 s: 265 s, at most
# 285 s counting the 5 s grace before each kill.
# Exits 0 when every step passed; otherwise with the first failing step's status (124: a time limit).
# Without an NVIDIA GPU it stops at step 1 with a message and status 3.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
kit="$root/device-kit"
java="$kit/jdk/bin/java"
if [ ! -x "$java" ] || [ ! -f "$kit/ssam.jar" ]; then
  echo "check: $kit is missing or incomplete: run tools/device/prepare.sh on the build machine and carry device-kit/" >&2
  exit 2
fi
if ! command -v nvidia-smi > /dev/null 2>&1; then
  echo "check: no NVIDIA GPU here (nvidia-smi is not installed); this check needs one" >&2
  exit 3
fi
if ! gpu="$(timeout -k 5 15 nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader 2>&1)"; then
  echo "check: no NVIDIA GPU here (nvidia-smi failed: $gpu); this check needs one" >&2
  exit 3
fi
echo "nvidia-smi: $gpu"
# cuBLAS and NVRTC from the CUDA toolkit when the dynamic linker does not already know them; where
# the toolkit folders lack them (a trimmed image), the first folders on the disk that hold them.
libdirs=()
for d in /usr/local/cuda/targets/x86_64-linux/lib /usr/local/cuda/lib64; do
  [ -d "$d" ] && libdirs+=("$d")
done
for lib in 'libnvrtc.so*' 'libcublas.so*'; do
  found=""
  for d in "${libdirs[@]}"; do
    compgen -G "$d/$lib" > /dev/null && found="$d" && break
  done
  if [ -z "$found" ] && ! ldconfig -p 2>/dev/null | grep -q "${lib%\*}"; then
    f="$(timeout 10 find / -xdev -name "$lib" -print -quit 2>/dev/null)"
    [ -n "$f" ] && libdirs+=("$(dirname "$f")")
  fi
done
for d in "${libdirs[@]}"; do
  export LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
done
echo "library folders: ${libdirs[*]:-(the dynamic linker defaults)}"
flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xss4m -Xmx24g)
status=0

# step NAME SECONDS COMMAND...: runs COMMAND under a time limit; remembers the first failure.
step() {
  local name="$1" secs="$2" rc
  shift 2
  echo "== $name (limit ${secs} s)"
  timeout -k 5 "$secs" "$@"
  rc=$?
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "check: $name ran past its ${secs} s limit and was stopped" >&2
  elif [ "$rc" -ne 0 ]; then
    echo "check: $name failed with status $rc" >&2
  fi
  if [ "$rc" -ne 0 ] && [ "$status" -eq 0 ]; then
    status=$rc
  fi
  return 0
}

step "CUDA parity tests" 100 "$java" "${flags[@]}" \
  -cp "$kit/runner:$kit/junit/*:$kit/tests/runtime:$kit/tests/ops:$kit/ssam.jar" \
  dev.ssam.device.DeviceTests "$kit/tests/runtime" "$kit/tests/ops"
step "ssam bench embed (SSAM-Tiny inference)" 55 "$java" "${flags[@]}" -jar "$kit/ssam.jar" \
  bench embed --device cuda --threads 1 --batch 64,256 --seconds 3
step "ssam bench train (SSAM-Tiny training)" 75 "$java" "${flags[@]}" -jar "$kit/ssam.jar" \
  bench train --device cuda --config tiny --threads 1 --batch 64,256 --seconds 4
exit "$status"
