#!/usr/bin/env python3
"""PR / QRS / QT of `vigil ecg score` against the generator's truth (labels.csv) on a synthetic set made by
`vigil synth ecg`, for one or more vigil binaries side by side (e.g. before/after a delineation change).
Synthetic figures are unit-test evidence only, never evidence about real ECGs.

Usage: Tools/ecg/synth_truth_compare.py SET_DIR VIGIL [VIGIL ...]
"""
import csv, os, re, statistics, subprocess, sys


def measure(vigil, hea):
    out = subprocess.run([vigil, "ecg", "score", hea], capture_output=True, text=True).stdout
    v = {}
    for line in out.splitlines():
        m = re.match(r"^\s{2}(PR|QRS duration|QT)\s+(\S+)", line)
        if m:
            try:
                v[{"PR": "pr", "QRS duration": "qrs", "QT": "qt"}[m.group(1)]] = float(m.group(2))
            except ValueError:
                pass
    return v


def main():
    d, vigils = sys.argv[1], sys.argv[2:]
    rows = list(csv.DictReader(open(os.path.join(d, "labels.csv"))))
    for vg in vigils:
        err = {"pr": [], "qrs": [], "qt": []}
        missing = {"pr": 0, "qrs": 0, "qt": 0}
        for r in rows:
            v = measure(vg, os.path.join(d, r["record"] + ".hea"))
            for k in err:
                t = r[k + "_ms"]
                if not t:
                    continue
                if k in v:
                    err[k].append(v[k] - float(t))
                else:
                    missing[k] += 1
        print(vg)
        for k, e in err.items():
            if e:
                print(f"  {k.upper():4s} n {len(e):2d}  mean {statistics.mean(e):+6.1f}  SD {statistics.stdev(e):5.1f}  max|e| {max(map(abs, e)):6.1f} ms  missing {missing[k]}")


if __name__ == "__main__":
    main()
