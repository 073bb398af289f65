#!/usr/bin/env python3
"""The peer for the matmul benchmarks: numpy's float32 matmul (OpenBLAS sgemm) on SSAM's projection shapes.

Prints one JSON line per (shape, thread count):

    {"name": "numpy_sgemm_in_proj", "m": 251, "k": 192, "n": 1152, "threads": 1, "gflops": 131.2,
     "peer": "OpenBLAS 0.3.31 ... core SkylakeX", ...}

Each shape computes out (M, N) = x (M, K) @ w.T with w stored (N, K), the layout of
Matmul.linear (sgemm with B transposed), into a preallocated output. GFLOP/s = 2*M*N*K / time;
the reported value is the median over repetitions after a warm-up, with min and max beside it
(the build machine is shared: compare medians taken side by side).

The thread count of OpenBLAS is fixed when the library loads, so the script re-runs itself once per
thread count with OPENBLAS_NUM_THREADS set, and with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
removed from that child's environment: some machines set them to work around old OpenBLAS
builds, and they slow a current numpy down. The core type OpenBLAS then picked is reported.

Usage: numpy_peer.py [--threads 1 2] [--reps 15] [--min-time 0.05] [--warmup 0.5]
"""
import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import time

# (name, M, K, N): the mixer's projections at one clip (L = 251) and at a batch of 8 clips.
SHAPES = [
    ("in_proj", 251, 192, 1152),
    ("out_proj", 251, 576, 192),
    ("x_proj", 251, 576, 60),
    ("in_proj_b8", 2008, 192, 1152),
    ("out_proj_b8", 2008, 576, 192),
    ("x_proj_b8", 2008, 576, 60),
]


def openblas_info(np):
    """(description, core type, threads) of the OpenBLAS numpy loaded, as far as it tells."""
    config = core = None
    threads = None
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "*openblas*"))
    libs += glob.glob(os.path.join(os.path.dirname(np.__file__), ".dylibs", "*openblas*"))
    if libs:
        import ctypes
        lib = ctypes.CDLL(libs[0])
        for prefix in ("scipy_openblas_", "openblas_"):
            for suffix in ("64_", ""):
                try:
                    f = getattr(lib, prefix + "get_config" + suffix)
                    f.restype = ctypes.c_char_p
                    config = config or f().decode()
                    g = getattr(lib, prefix + "get_corename" + suffix)
                    g.restype = ctypes.c_char_p
                    core = core or g().decode()
                    h = getattr(lib, prefix + "get_num_threads" + suffix)
                    threads = threads or h()
                except AttributeError:
                    pass
    if core is None:
        try:
            import threadpoolctl
            for info in threadpoolctl.threadpool_info():
                if info.get("internal_api") == "openblas":
                    core = info.get("architecture")
                    config = config or "OpenBLAS " + str(info.get("version"))
                    threads = threads or info.get("num_threads")
        except ImportError:
            pass
    if config is None:
        config = "numpy " + np.__version__ + " (BLAS not identified)"
    return " ".join(config.split()), core, threads


def measure(np, m, k, n, reps, min_time, warmup):
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, (m, k)).astype(np.float32)
    w = (rng.uniform(-1, 1, (n, k)) / np.sqrt(k)).astype(np.float32)
    out = np.empty((m, n), dtype=np.float32)
    wt = w.T
    end = time.perf_counter() + warmup
    calls = 0
    while time.perf_counter() < end:
        np.matmul(x, wt, out=out)
        calls += 1
    # calls per repetition so that one repetition lasts about min_time
    per_call = warmup / max(1, calls)
    batch = max(1, int(min_time / per_call))
    rates = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(batch):
            np.matmul(x, wt, out=out)
        dt = (time.perf_counter() - t0) / batch
        rates.append(2.0 * m * n * k / dt / 1e9)
    return rates


def child(args):
    import numpy as np
    config, core, threads = openblas_info(np)
    peer = config + (" core " + core if core else "")
    for name, m, k, n in SHAPES:
        rates = measure(np, m, k, n, args.reps, args.min_time, args.warmup)
        print(json.dumps({
            "name": "numpy_sgemm_" + name, "m": m, "k": k, "n": n, "threads": args.child,
            "gflops": round(statistics.median(rates), 1),
            "min_gflops": round(min(rates), 1), "max_gflops": round(max(rates), 1), "reps": len(rates),
            "peer": peer, "coretype": core, "openblas_threads": threads, "numpy": np.__version__,
        }), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--reps", type=int, default=15)
    p.add_argument("--min-time", type=float, default=0.05, help="seconds per repetition")
    p.add_argument("--warmup", type=float, default=0.5, help="seconds of warm-up per shape")
    p.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child is not None:
        child(args)
        return 0
    for t in args.threads:
        env = dict(os.environ)
        env["OPENBLAS_NUM_THREADS"] = str(t)
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
        cmd = [sys.executable, os.path.abspath(__file__), "--child", str(t), "--reps", str(args.reps),
               "--min-time", str(args.min_time), "--warmup", str(args.warmup)]
        r = subprocess.run(cmd, env=env)
        if r.returncode != 0:
            return r.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
