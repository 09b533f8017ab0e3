#!/usr/bin/env python3
"""End-to-end check of the Swift CNN detector on freshly generated records (never used in training):
reads `vigil ecg score --json` output and the generator's labels.csv, and reports how often the
`ecg-cnn` detector abstained (by reason) and, on the records it scored, sensitivity/specificity of its
decisions per label against the generator's labels.

  .build/release/vigil synth ecg --count 120 --seed 2001 --prefix fr --out /tmp/ecgcnn-fresh
  .build/release/vigil ecg score --json /tmp/ecgcnn-fresh/*.hea > /tmp/ecgcnn-fresh.json
  /work/venv-tools/bin/python Tools/ecg/eval_cnn_pipeline.py /tmp/ecgcnn-fresh.json /tmp/ecgcnn-fresh/labels.csv
"""

from __future__ import annotations

import collections
import csv
import json
import sys

LABELS = ["afib", "lbbb", "rbbb", "lvh", "st_elevation", "pvc"]


def main() -> None:
    scored = json.load(open(sys.argv[1], encoding="utf-8"))
    truth = {}
    with open(sys.argv[2], newline="") as f:
        for row in csv.DictReader(f):
            truth[row["record"]] = set(filter(None, row["labels"].split(";")))
    reasons = collections.Counter()
    paced_total = paced_abstained = 0
    counts = {lab: collections.Counter() for lab in LABELS}
    for item in scored:
        record = item["input"].rsplit("/", 1)[-1].removesuffix(".hea")
        labels = truth[record]
        outcome = next((o for o in item["outcomes"]
                        if (o.get("findings") or [{}])[0].get("detector", {}).get("id") == "ecg-cnn"
                        or o.get("abstention", {}).get("detector", {}).get("id") == "ecg-cnn"), None)
        if outcome is None:
            reasons["no ecg-cnn outcome"] += 1
            continue
        if "paced" in labels:
            paced_total += 1
        if outcome["type"] == "abstained":
            reasons[outcome["abstention"]["reason"]] += 1
            if "paced" in labels and outcome["abstention"]["reason"] == "paced_rhythm":
                paced_abstained += 1
            continue
        reasons["scored"] += 1
        for f in outcome["findings"]:
            lab = f["code"].split(".")[-1]
            if lab in counts:
                positive = f["decision"] == "positive"
                counts[lab][("tp" if positive else "fn") if lab in labels else ("fp" if positive else "tn")] += 1
    print(f"records {len(scored)}: " + ", ".join(f"{k} {v}" for k, v in reasons.most_common()))
    print(f"paced records {paced_total}, of which abstained as paced_rhythm {paced_abstained}")
    for lab in LABELS:
        c = counts[lab]
        pos, neg = c["tp"] + c["fn"], c["tn"] + c["fp"]
        sens = c["tp"] / pos if pos else float("nan")
        spec = c["tn"] / neg if neg else float("nan")
        print(f"{lab:13s} positives {pos:3d}  sensitivity {sens:.3f}  specificity {spec:.3f}  (tp {c['tp']} fn {c['fn']} fp {c['fp']} tn {c['tn']})")


if __name__ == "__main__":
    main()
