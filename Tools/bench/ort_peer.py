#!/usr/bin/env python3
"""onnxruntime as the peer of Vigil's ONNX runtime: inferences per second per model/threads/batch.

  python3 Tools/bench/ort_peer.py MODEL.onnx [MODEL2.onnx ...] --threads 1 2 --batch 1 32 --json

For every model x thread count x batch size: one CPU InferenceSession with intra_op_num_threads=N,
inter_op_num_threads=1, sequential execution and ORT_ENABLE_ALL graph optimisation (the peer at
its best); a seeded random float32 input of the model's input shape with its dynamic (symbolic or
unknown) axes set to the batch size (the first axis) or 1 (any other); warm-up runs, then timed
runs until the time budget (--seconds, default 2 s) is spent (at least --min-runs runs); the
median run time is reported.

With --json, stdout is exactly one JSON object:
  {"onnxruntime": "<version>", "results": [{"model": "<file stem>", "threads": t, "batch": b,
                                              "inferences_per_s": x, "median_ms": y}, ...]}
(inferences_per_s = batch / median seconds; one inference = one sample of the batch). Without
--json a table is printed. Progress and warnings go to stderr. A model whose batch axis is fixed
is run only at that batch size; batch sizes it cannot take are skipped with a note on stderr.
Exit status 2 for bad arguments or unreadable models.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import onnxruntime as ort

_DTYPES = {
    "tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(float16)": np.float16,
    "tensor(int64)": np.int64, "tensor(int32)": np.int32, "tensor(int8)": np.int8,
    "tensor(uint8)": np.uint8, "tensor(bool)": np.bool_,
}


def make_session(path: str, threads: int) -> ort.InferenceSession:
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.log_severity_level = 3
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def input_feeds(sess: ort.InferenceSession, batch: int, rng: np.random.Generator):
    """Random inputs; returns (feeds, used_batch) or (None, fixed_batch) if the batch is fixed
    to another size."""
    feeds = {}
    used = batch
    for inp in sess.get_inputs():
        shape = []
        for i, d in enumerate(inp.shape):
            if isinstance(d, int) and d > 0:
                if i == 0 and d != batch:
                    return None, d
                shape.append(d)
            else:
                shape.append(batch if i == 0 else 1)
        dtype = _DTYPES.get(inp.type)
        if dtype is None:
            raise ValueError(f"input {inp.name}: unsupported type {inp.type}")
        if np.issubdtype(dtype, np.floating):
            feeds[inp.name] = rng.standard_normal(shape).astype(dtype)
        elif dtype is np.bool_:
            feeds[inp.name] = rng.integers(0, 2, shape).astype(np.bool_)
        else:
            feeds[inp.name] = rng.integers(0, 2, shape).astype(dtype)
    return feeds, used


def time_config(sess, feeds, seconds: float, warmup: int, min_runs: int) -> float:
    """Median wall time of one run, in seconds."""
    for _ in range(warmup):
        sess.run(None, feeds)
    times = []
    deadline = time.perf_counter() + seconds
    while len(times) < min_runs or time.perf_counter() < deadline:
        t0 = time.perf_counter()
        sess.run(None, feeds)
        times.append(time.perf_counter() - t0)
        if len(times) >= 100_000:
            break
    return statistics.median(times)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="+", help="ONNX model files")
    ap.add_argument("--threads", type=int, nargs="+", default=[1], help="intra-op thread counts (default 1)")
    ap.add_argument("--batch", type=int, nargs="+", default=[1], help="batch sizes (default 1)")
    ap.add_argument("--seconds", type=float, default=2.0, help="timed seconds per configuration (default 2)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed warm-up runs (default 3)")
    ap.add_argument("--min-runs", type=int, default=5, help="least timed runs per configuration (default 5)")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = ap.parse_args(argv)

    if any(t < 1 for t in args.threads) or any(b < 1 for b in args.batch) or args.seconds <= 0:
        print("ort_peer: --threads and --batch must be >= 1 and --seconds > 0", file=sys.stderr)
        return 2
    for m in args.models:
        if not os.path.isfile(m):
            print(f"ort_peer: no such model: {m}", file=sys.stderr)
            return 2

    results = []
    for path in args.models:
        name = os.path.splitext(os.path.basename(path))[0]
        for threads in args.threads:
            try:
                sess = make_session(path, threads)
            except Exception as e:  # unreadable or unsupported model
                print(f"ort_peer: cannot load {path}: {e}", file=sys.stderr)
                return 2
            for batch in args.batch:
                rng = np.random.default_rng(0)
                feeds, used = input_feeds(sess, batch, rng)
                if feeds is None:
                    print(f"ort_peer: {name}: batch axis fixed to {used}; skipping batch {batch}",
                          file=sys.stderr)
                    continue
                med = time_config(sess, feeds, args.seconds, args.warmup, args.min_runs)
                r = {"model": name, "threads": threads, "batch": batch,
                     "inferences_per_s": round(batch / med, 3), "median_ms": round(med * 1e3, 4)}
                results.append(r)
                print(f"ort_peer: {name} threads={threads} batch={batch}: {r['median_ms']} ms, "
                      f"{r['inferences_per_s']} inferences/s", file=sys.stderr)
            del sess

    if args.json:
        print(json.dumps({"onnxruntime": ort.__version__, "results": results}))
    else:
        print(f"onnxruntime {ort.__version__}")
        print(f"{'model':<24} {'threads':>7} {'batch':>6} {'median ms':>11} {'inferences/s':>13}")
        for r in results:
            print(f"{r['model']:<24} {r['threads']:>7} {r['batch']:>6} {r['median_ms']:>11.3f} "
                  f"{r['inferences_per_s']:>13.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
