#!/usr/bin/env python3
"""Peer benchmark for `vigil bench ecg`: NeuroKit2's `ecg_process` (cleaning, R peaks, rate, quality,
delineation, cardiac phase) on the same WFDB records Vigil times, one lead at a time.

Usage: neurokit_peer.py [--min-seconds S] [--lead NAME] RECORD.hea ...

Prints one JSON object: {"neurokit2": version, "records": n, "leads_per_record": k, "passes": p,
"seconds": t, "records_per_second": r, "cpu_seconds": c, "records_per_cpu_second": rc,
"failed_leads": f}. CPU time (time.process_time) is the steadier figure on a shared machine. Reading (wfdb.rdrecord) is inside the timed
loop, as Vigil's read is. With --lead only that lead is processed (a peer-favourable variant: Vigil's
pipeline always uses every lead). Needs wfdb and neurokit2 (Tools/requirements-tools.txt).
"""
import argparse
import json
import sys
import time
import warnings


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("records", nargs="+")
    ap.add_argument("--min-seconds", type=float, default=3.0)
    ap.add_argument("--lead", default=None)
    ap.add_argument("--cpu-time", action="store_true", help="accepted for symmetry; CPU-time rates are always printed")
    args = ap.parse_args()
    import neurokit2 as nk
    import wfdb

    warnings.simplefilter("ignore")
    paths = [r[:-4] if r.endswith(".hea") else r for r in args.records]

    def one_pass():
        failed, leads = 0, 0
        for p in paths:
            rec = wfdb.rdrecord(p)
            fs = rec.fs
            names = rec.sig_name
            idx = [names.index(args.lead)] if args.lead else range(len(names))
            for i in idx:
                leads += 1
                try:
                    nk.ecg_process(rec.p_signal[:, i], sampling_rate=fs)
                except Exception:  # noqa: BLE001 - a lead NeuroKit2 cannot process still cost its time
                    failed += 1
        return failed, leads

    one_pass()  # warm-up (imports, caches)
    passes, failed, leads = 0, 0, 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    while True:
        f, n = one_pass()
        passes += 1
        failed += f
        leads += n
        elapsed = time.perf_counter() - start
        if elapsed >= args.min_seconds:
            break
    cpu = time.process_time() - cpu_start
    print(json.dumps({
        "neurokit2": nk.__version__, "records": len(paths), "leads_per_record": leads / passes / len(paths),
        "passes": passes, "seconds": elapsed, "records_per_second": passes * len(paths) / elapsed,
        "cpu_seconds": cpu, "records_per_cpu_second": passes * len(paths) / cpu,
        "failed_leads": failed,
    }))


if __name__ == "__main__":
    sys.exit(main())
