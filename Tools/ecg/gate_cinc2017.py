#!/usr/bin/env python3
"""Abstention of the rule-based ECG pipeline (detector ecg-rhythm) by class on PhysioNet/CinC 2017.

  python3 Tools/ecg/gate_cinc2017.py --vigil .build/release/vigil --dir CINC2017_DIR [--out table.txt]

CINC2017_DIR holds the .hea/.mat records and REFERENCE.csv (N normal, A AF, O other rhythm, ~ too noisy).
Runs `vigil ecg score --json` on every record (in batches), takes the ecg-rhythm detector's outcome and counts,
per class, the records it abstained on as signal_unreadable (the quality gate) and for other reasons. Prints a
table and the goal of issue 20 (abstain on >= 70 % of the noisy class, <= 3 % of the others), then the same two
figures for the even- and odd-numbered records separately (the gate's template thresholds were chosen on the even
half; the odd half is the check); with --out also writes it there. Reads the records where they are; copies nothing.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigil", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--out")
    ap.add_argument("--batch", type=int, default=50)
    args = ap.parse_args()
    labels = {}
    with open(os.path.join(args.dir, "REFERENCE.csv")) as f:
        for row in csv.reader(f):
            if len(row) >= 2:
                labels[row[0]] = row[1]
    names = sorted(n for n in labels if os.path.exists(os.path.join(args.dir, n + ".hea")))
    outcome: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for i in range(0, len(names), args.batch):
        part = names[i:i + args.batch]
        paths = [os.path.join(args.dir, n + ".hea") for n in part]
        p = subprocess.run([args.vigil, "ecg", "score", "--json", *paths], capture_output=True, text=True)
        if p.stderr.strip():
            print(p.stderr.strip(), file=sys.stderr)
        docs = json.loads(p.stdout) if p.stdout.strip() else []
        if isinstance(docs, dict):
            docs = [docs]
        for d in docs:
            name = os.path.basename(d["input"]).split(".")[0]
            for o in d["outcomes"]:
                ab = o.get("abstention")
                det = (ab or {}).get("detector", {}).get("id") if ab else None
                if o.get("type") == "findings":
                    fs = o.get("findings", [])
                    det = fs[0]["detector"]["id"] if fs else None
                if det != "ecg-rhythm":
                    continue
                if o.get("type") == "abstained":
                    outcome[name] = ab["reason"]
                    reasons[name] = ab.get("message", "")
                else:
                    outcome[name] = "scored"
    by = defaultdict(Counter)
    for n in names:
        by[labels[n]][outcome.get(n, "failed")] += 1
    lines = ["class  records  gate (signal_unreadable)  other abstentions  failed"]
    for c in ["N", "A", "O", "~"]:
        k = by[c]
        total = sum(k.values())
        gate = k["signal_unreadable"]
        other = total - gate - k["scored"] - k["failed"]
        lines.append(f"{c:5s} {total:8d} {gate:6d} ({100 * gate / max(1, total):5.1f} %) {other:18d} {k['failed']:7d}")
    noisy = by["~"]["signal_unreadable"] / max(1, sum(by["~"].values()))
    others = sum(by[c]["signal_unreadable"] for c in "NAO") / max(1, sum(sum(by[c].values()) for c in "NAO"))
    lines.append(f"noisy class abstained: {100 * noisy:.1f} % (goal >= 70 %); others: {100 * others:.1f} % (goal <= 3 %)")
    for half, tag in ((0, "even"), (1, "odd")):
        sel = [n for n in names if int("".join(ch for ch in n if ch.isdigit()) or 0) % 2 == half]
        nz = [n for n in sel if labels[n] == "~"]
        ot = [n for n in sel if labels[n] != "~"]
        a = sum(outcome.get(n) == "signal_unreadable" for n in nz)
        b = sum(outcome.get(n) == "signal_unreadable" for n in ot)
        lines.append(f"{tag}-numbered records: noisy abstained {a}/{len(nz)} ({100 * a / max(1, len(nz)):.1f} %); "
                     f"others {b}/{len(ot)} ({100 * b / max(1, len(ot)):.1f} %)")
    lines.append("refused non-noisy records: " + ", ".join(f"{n} ({labels[n]})" for n in names
                                                        if labels[n] != "~" and outcome.get(n) == "signal_unreadable"))
    text = "\n".join(lines)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
