#!/usr/bin/env python3
"""Heartbeat classes (AAMI N/S/V/F) in the inter-patient paradigm of de Chazal et al. 2004: train on MIT-BIH DS1,
test on DS2. numpy only.

The features are Vigil's own (`vigil ecg eval --beat-classes --beat-features-csv FILE`, Sources/ECGSignal/
BeatFeatures.swift), so the Swift model applies exactly what was trained. The model is a multinomial logistic
regression with class weights (inverse class frequency to a power) and L2 regularisation, fitted by full-batch
gradient descent (Adam) on the standardised features; Sources/ECGDetectors/BeatClassModel.swift applies it.

Choices (regularisation strength, class weighting) are made by leave-records-out cross-validation on DS1 alone
(5 folds, records kept whole). DS2 is read once, at the end, for the report; nothing is chosen on it.

    vigil ecg eval --beat-classes --beat-features-csv /tmp/ds1.csv MITDB/{101,106,...}.hea
    vigil ecg eval --beat-classes --beat-features-csv /tmp/ds2.csv MITDB/{100,103,...}.hea
    python3 Tools/ecg/real/train_beat_classes.py --train /tmp/ds1.csv --test /tmp/ds2.csv --out Models/ecg-beats/model.json
"""
from __future__ import annotations

import argparse
import csv
import datetime
import json
import sys

import numpy as np

CLASSES = ["N", "S", "V", "F"]


def load(path):
    with open(path, newline="") as f:
        r = csv.reader(f)
        header = next(r)
        names = header[3:]
        recs, ys, xs = [], [], []
        for row in r:
            if row[2] not in CLASSES:
                continue
            recs.append(row[0])
            ys.append(CLASSES.index(row[2]))
            xs.append([float(v) for v in row[3:]])
    x = np.array(xs, dtype=np.float64)
    ok = np.all(np.isfinite(x), axis=1)
    return names, np.array(recs)[ok], np.array(ys)[ok], x[ok]


def fit(x, y, l2, weight_power, steps=1500, lr=0.05):
    mean, scale = x.mean(0), x.std(0)
    scale[scale == 0] = 1
    z = (x - mean) / scale
    k = len(CLASSES)
    counts = np.bincount(y, minlength=k).astype(float)
    cw = np.where(counts > 0, (counts.sum() / np.maximum(counts, 1)) ** weight_power, 0)
    sw = cw[y]
    sw = sw / sw.mean()
    w = np.zeros((k, z.shape[1]))
    b = np.zeros(k)
    onehot = np.eye(k)[y]
    m_w = np.zeros_like(w); v_w = np.zeros_like(w); m_b = np.zeros_like(b); v_b = np.zeros_like(b)
    for t in range(1, steps + 1):
        logits = z @ w.T + b
        logits -= logits.max(1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(1, keepdims=True)
        g = (p - onehot) * sw[:, None] / len(y)
        gw = g.T @ z + l2 * w
        gb = g.sum(0)
        for param, grad, m, v in ((w, gw, m_w, v_w), (b, gb, m_b, v_b)):
            m *= 0.9; m += 0.1 * grad
            v *= 0.999; v += 0.001 * grad * grad
            param -= lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return {"mean": mean, "scale": scale, "weights": w, "bias": b}


def predict(model, x):
    z = (x - model["mean"]) / model["scale"]
    return np.argmax(z @ model["weights"].T + model["bias"], axis=1)


def confusion(y, p):
    c = np.zeros((4, 4), dtype=int)
    for a, b in zip(y, p):
        c[a, b] += 1
    return c


def rates(c):
    out = {}
    for k, name in enumerate(CLASSES):
        ref, called = c[k].sum(), c[:, k].sum()
        out[name] = (c[k, k] / ref if ref else float("nan"), c[k, k] / called if called else float("nan"))
    return out


def score(c):
    """The selection criterion on DS1 folds: mean of V Se, V +P, S Se, S +P (the issue's four goals)."""
    r = rates(c)
    vals = [r["V"][0], r["V"][1], r["S"][0], r["S"][1]]
    return float(np.mean([0 if np.isnan(v) else v for v in vals]))


def show(title, c):
    print(title)
    print("       " + "".join(f"{n:>8}" for n in CLASSES) + "    Se %    +P %")
    r = rates(c)
    for k, n in enumerate(CLASSES):
        print(f"{n:<7}" + "".join(f"{v:8d}" for v in c[k]) + f"  {100 * r[n][0]:6.2f}  {100 * r[n][1]:6.2f}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True, help="DS1 features CSV")
    ap.add_argument("--test", help="DS2 features CSV (read once, for the report)")
    ap.add_argument("--out", help="model JSON to write")
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args()
    names, recs, y, x = load(args.train)
    records = sorted(set(recs))
    rng = np.random.default_rng(20261208)
    order = list(rng.permutation(records))
    folds = [order[i::args.folds] for i in range(args.folds)]
    print(f"DS1: {len(y)} beats, {len(records)} records; classes {dict(zip(CLASSES, np.bincount(y, minlength=4)))}")
    best = None
    for l2 in (1e-4, 1e-3, 1e-2):
        for power in (0.5, 0.75, 1.0):
            c = np.zeros((4, 4), dtype=int)
            for fold in folds:
                test = np.isin(recs, fold)
                m = fit(x[~test], y[~test], l2, power, steps=600)
                c += confusion(y[test], predict(m, x[test]))
            s = score(c)
            r = rates(c)
            print(f"  l2 {l2:g} weight power {power}: V {100 * r['V'][0]:.1f}/{100 * r['V'][1]:.1f}  "
                  f"S {100 * r['S'][0]:.1f}/{100 * r['S'][1]:.1f}  criterion {s:.3f}")
            if best is None or s > best[0]:
                best = (s, l2, power, c)
    _, l2, power, cv = best
    print(f"chosen on DS1 cross-validation: l2 {l2:g}, class-weight power {power}")
    show("DS1 leave-records-out cross-validation (5 folds)", cv)
    model = fit(x, y, l2, power)
    if args.test:
        tnames, _, ty, tx = load(args.test)
        assert tnames == names, "the two CSV files have different features"
        show("DS2 (inter-patient test; not used for any choice)", confusion(ty, predict(model, tx)))
    if args.out:
        doc = {
            "features": names,
            "classes": CLASSES,
            "mean": model["mean"].tolist(),
            "scale": model["scale"].tolist(),
            "weights": model["weights"].tolist(),
            "bias": model["bias"].tolist(),
            "trainedOn": f"MIT-BIH DS1 ({len(records)} records, {len(y)} beats; de Chazal 2004 split), "
                         f"l2 {l2:g}, class-weight power {power}, {datetime.date.today().isoformat()}",
        }
        with open(args.out, "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
        print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
