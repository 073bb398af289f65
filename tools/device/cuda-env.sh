#!/usr/bin/env bash
# Sourced by tools/device/check.sh and tools/device/profile.sh on the GPU machine: checks that
# device-kit/ was carried and that an NVIDIA GPU is there (exit 2 / 3 otherwise), prints the GPU,
# puts cuBLAS and NVRTC on LD_LIBRARY_PATH, and defines kit, java, flags, status and
# step NAME SECONDS COMMAND... (runs COMMAND under a time limit, remembers the first failure in status)
# and parity_tests SECONDS (the CUDA parity tests as a step).
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
if ! gpu="$(timeout -k 5 10 nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader 2>&1)"; then
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
flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -Xss4m -Xmx32g
  "-Dssam.commit=$(cat "$kit/COMMIT" 2>/dev/null || echo unknown)")
# SSAM_JAVA_OPTS: extra JVM options for every step, e.g. the tuning settings
#   SSAM_JAVA_OPTS="-Dssam.gpu.scanSplit=4 -Dssam.gpu.scanChunk=8" tools/device/profile.sh
if [ -n "${SSAM_JAVA_OPTS:-}" ]; then
  read -r -a extra <<< "$SSAM_JAVA_OPTS"
  flags+=("${extra[@]}")
  echo "extra JVM options: ${extra[*]}"
fi
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


# parity_tests SECONDS: the CUDA cases of the runtime and ops test suites through the JUnit launcher
# (DeviceTests and OnlyCudaCases in tools/device/runner drop everything else), as a step;
# SSAM_DEVICE_TESTS (a regular expression over fully qualified class names, default .*Test) narrows them.
parity_tests() {
  step "CUDA parity tests${SSAM_DEVICE_TESTS:+ (classes ${SSAM_DEVICE_TESTS})}" "$1" "$java" "${flags[@]}" \
    "-Dssam.device.tests=${SSAM_DEVICE_TESTS:-.*Test}" \
    -cp "$kit/runner:$kit/junit/*:$kit/tests/runtime:$kit/tests/ops:$kit/ssam.jar" \
    dev.ssam.device.DeviceTests "$kit/tests/runtime" "$kit/tests/ops"
}
