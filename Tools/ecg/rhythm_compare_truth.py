#!/usr/bin/env python3
"""Compare `vigil ecg score --json` output with the truth of a `vigil synth ecg` folder.

    vigil synth ecg --count 200 --out DIR --seed 777
    vigil ecg score DIR/*.hea --json > scores.json
    python3 Tools/ecg/rhythm_compare_truth.py DIR scores.json

Prints, per measurement (heart rate, PR, QRS, QT, QTc Bazett against the generator's QTc, frontal axis),
the number of records measured and missing, mean error, SD and largest absolute error against
DIR/labels.csv; and, per rhythm label, how often the rhythm detector's positive findings contain the
expected code. Standard library only.
"""
import csv
import json
import statistics
import sys
from collections import Counter, defaultdict

MEASURES = {"heartRate": "heart_rate_bpm", "PR": "pr_ms", "QRSduration": "qrs_ms", "QT": "qt_ms",
            "QTcBazett": "qtc_ms", "frontalQRSAxis": "frontal_axis_deg"}
EXPECTED = {"normal": "ecg.sinus_rhythm", "sinus_bradycardia": "ecg.sinus_bradycardia",
            "sinus_tachycardia": "ecg.sinus_tachycardia", "afib": "ecg.afib", "pvc": "ecg.frequent_ventricular_ectopy",
            "long_qt": "ecg.long_qtc", "lbbb": "ecg.wide_qrs", "rbbb": "ecg.wide_qrs"}


def main(folder, scores):
    labels = {r["record"]: r for r in csv.DictReader(open(f"{folder}/labels.csv"))}
    docs = json.load(open(scores))
    if isinstance(docs, dict):
        docs = [docs]
    errors = defaultdict(list)
    missing = Counter()
    hits, totals, abstained = Counter(), Counter(), Counter()
    for doc in docs:
        rec = doc["input"].rsplit(".", 1)[0]
        truth = labels[rec]
        for outcome in doc["outcomes"]:
            if outcome["type"] == "abstained":
                abstained[truth["labels"]] += 1
                continue
            findings = outcome["findings"]
            if not findings or findings[0]["detector"]["id"] != "ecg-rhythm":
                continue
            values = {m["name"]: m["value"] for f in findings for m in f["measurements"]}
            positive = {f["code"] for f in findings if f["decision"] == "positive"}
            for name, column in MEASURES.items():
                if truth[column] == "":
                    continue
                if name not in values:
                    missing[name] += 1
                    continue
                e = values[name] - float(truth[column])
                if name == "frontalQRSAxis":
                    e = (e + 180) % 360 - 180
                errors[name].append(e)
            for label in truth["labels"].split(";"):
                if label in EXPECTED:
                    totals[label] += 1
                    hits[label] += EXPECTED[label] in positive
    print("measurement        n  missing    mean     SD  max|err|")
    for name in MEASURES:
        e = errors[name]
        if e:
            print(f"{name:16s} {len(e):3d} {missing[name]:8d} {statistics.mean(e):+7.1f} {statistics.pstdev(e):6.1f} {max(map(abs, e)):8.1f}")
    print("\nlabel               expected code                      found / records")
    for label in EXPECTED:
        if totals[label]:
            print(f"{label:19s} {EXPECTED[label]:34s} {hits[label]:3d} / {totals[label]}")
    if abstained:
        print("\nabstentions by label:", dict(abstained))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
