#!/usr/bin/env python3
"""Vigil vs the acquiring machine's own global intervals (HR, PR, QRS, QT) on real 12-lead records.

Runs `vigil ecg score` on each record, reads the "measurement / vigil / machine" table it prints, and prints
per record Vigil - machine and, over the records, mean +- SD (sample SD) of each difference. Records whose file
carries no machine value for a quantity are left out of that quantity's mean.

Usage: Tools/ecg/machine_compare.py [--vigil .build/release/vigil] [RECORD ...]
Default records: the Philips XML files in ../shared/data/ecg-real/philips-xml and the Mortara DICOM ECG
(pydicom test file) in ../shared/data/ecg. Nothing is copied into the repository.
"""
import argparse, glob, os, re, statistics, subprocess, sys

ROWS = {"heart rate": "HR", "PR": "PR", "QRS duration": "QRS", "QT": "QT"}


def measure(vigil, path):
    out = subprocess.run([vigil, "ecg", "score", path], capture_output=True, text=True).stdout
    vals = {}
    for line in out.splitlines():
        m = re.match(r"^\s{2}(heart rate|PR|QRS duration|QT)\s+(\S+)\s+(\S+)", line)
        if m:
            def num(s):
                try:
                    return float(s)
                except ValueError:
                    return None
            vals[ROWS[m.group(1)]] = (num(m.group(2)), num(m.group(3)))
    return vals


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigil", default=".build/debug/vigil")
    ap.add_argument("records", nargs="*")
    a = ap.parse_args()
    recs = a.records or sorted(glob.glob("../shared/data/ecg-real/philips-xml/*.xml")) + ["../shared/data/ecg/pydicom-3.0.2_waveform_ecg.dcm"]
    diffs = {k: [] for k in ROWS.values()}
    print(f"{'record':40s}" + "".join(f"{k + ' v/m':>14s}{'diff':>7s}" for k in ROWS.values()))
    for r in recs:
        v = measure(a.vigil, r)
        line = f"{os.path.basename(r):40s}"
        for k in ROWS.values():
            vi, ma = v.get(k, (None, None))
            if vi is not None and ma is not None:
                d = vi - ma
                diffs[k].append(d)
                line += f"{f'{vi:.0f}/{ma:.0f}':>14s}{d:+7.0f}"
            else:
                line += f"{(f'{vi:.0f}' if vi is not None else '-') + '/' + (f'{ma:.0f}' if ma is not None else '-'):>14s}{'':>7s}"
        print(line)
    line = f"{'mean +- SD (n)':40s}"
    for k in ROWS.values():
        d = diffs[k]
        if d:
            sd = statistics.stdev(d) if len(d) > 1 else 0.0
            line += f"{f'{statistics.mean(d):+.1f}+-{sd:.1f} ({len(d)})':>21s}"
        else:
            line += f"{'-':>21s}"
    print(line)


if __name__ == "__main__":
    sys.exit(main())
