#!/usr/bin/env python3
"""Trains ecg-af (small 1-D CNN, one lead, 10 s at 100 Hz) on real ECGs only: MIT-BIH Arrhythmia AF / non-AF
crops and CinC 2017 records, 5-fold cross-validation by record, then the shipped model.

    nice -n 10 /work/venv-tools/bin/python Tools/ecg/real/train_af.py --dataset /tmp/ecg-af-data.pkl --out /tmp/ecg-af

For outer fold k: train on the three other folds, calibrate on fold (k+1) mod 5 (temperature by minimum NLL
on its windows, threshold by maximum F1 on its CinC 2017 records), test on fold k. The shipped model is trained
on folds 1–4 and calibrated on fold 0. Writes `cv/fold{k}.pt`, `cv/fold{k}.json` (calibration), `final.pt`,
`final.json`, `model.onnx`. eval_af.py scores the held-out folds and the peer.
"""
import argparse
import json
import os
import pickle
import time

import numpy as np
import torch
from torch import nn

import af_common as C


class AFNet(nn.Module):
    """Seven conv blocks (kernel 7, BN, ReLU, max-pool 2) → global mean+max → linear: one AF logit per window.
    Receptive field ≈ 7.6 s, so the last blocks see several RR intervals."""

    def __init__(self, widths=(16, 16, 32, 32, 64, 64, 64)):
        super().__init__()
        layers, c = [], 1
        for w in widths:
            layers += [nn.Conv1d(c, w, 7, padding=3, bias=False), nn.BatchNorm1d(w), nn.ReLU(), nn.MaxPool1d(2)]
            c = w
        self.features = nn.Sequential(*layers)
        self.drop = nn.Dropout(0.3)
        self.head = nn.Linear(2 * c, 1)

    def forward(self, x):
        h = self.features(x)
        h = torch.cat([h.mean(dim=2), h.amax(dim=2)], dim=1)
        return self.head(self.drop(h))


class Sampler:
    """Random 10 s crops: CinC 2017 records (label = record class) and MIT-BIH crops that are wholly AF or
    wholly not AF (label from the rhythm annotations), each lead separately; random polarity."""

    def __init__(self, data, folds, rng):
        self.rng = rng
        self.cinc = [r for r in data["cinc2017"] if r["fold"] in folds]
        self.cinc_af = [r for r in self.cinc if r["label"] == "A"]
        self.cinc_no = [r for r in self.cinc if r["label"] != "A"]
        self.mit_af, self.mit_no = [], []
        for r in data["mitdb"]:
            if r["fold"] not in folds:
                continue
            af = r["af100"].astype(np.int32)
            cs = np.concatenate([[0], np.cumsum(af)])
            n = len(af)
            for s in range(0, n - C.WIN, 50):
                f = cs[s + C.WIN] - cs[s]
                for li in range(len(r["filtered"])):
                    if f == C.WIN:
                        self.mit_af.append((r, li, s))
                    elif f == 0:
                        self.mit_no.append((r, li, s))

    def crop_cinc(self, r):
        x = r["filtered"][0]
        s = int(self.rng.integers(0, len(x) - C.WIN + 1))
        return x[s:s + C.WIN]

    def batch(self, n, p_cinc=0.5, p_af=0.4):
        xs, ys, ws = [], [], []
        for _ in range(n):
            af = self.rng.random() < p_af
            if self.rng.random() < p_cinc:
                pool = self.cinc_af if af else self.cinc_no
                x = self.crop_cinc(pool[int(self.rng.integers(len(pool)))])
            else:
                pool = self.mit_af if af else self.mit_no
                r, li, s = pool[int(self.rng.integers(len(pool)))]
                s = min(s + int(self.rng.integers(0, 50)), len(r["filtered"][li]) - C.WIN)
                x = r["filtered"][li][s:s + C.WIN]
            x = np.asarray(x, np.float64)
            if self.rng.random() < 0.5:
                x = -x
            x = x * float(np.exp(self.rng.normal(0, 0.1))) + self.rng.normal(0, 0.02, C.WIN)
            xs.append(x)
            ys.append(float(af))
        return torch.from_numpy(C.standardize(np.stack(xs))[:, None, :]), torch.tensor(ys)[:, None]


def window_set(data, folds):
    """Scoring windows of the given folds: CinC 2017 windows (record label) and MIT-BIH 10 s windows, hop 10 s,
    wholly AF or wholly not AF, both leads."""
    xs, ys = [], []
    for r in data["cinc2017"]:
        if r["fold"] in folds:
            w, _ = C.windows(r["filtered"][0])
            xs.append(w); ys += [float(r["label"] == "A")] * len(w)
    for r in data["mitdb"]:
        if r["fold"] not in folds:
            continue
        st = C.window_starts(len(r["af100"]), hop=C.WIN)
        fr = np.array([r["af100"][s:s + C.WIN].mean() for s in st])
        keep = [i for i, f in enumerate(fr) if f in (0.0, 1.0)]
        for lead in r["filtered"]:
            xs.append(C.standardize(np.stack([lead[st[i]:st[i] + C.WIN] for i in keep])))
            ys += [float(fr[i]) for i in keep]
    return np.concatenate(xs), np.array(ys)


def logits_of(model, x, bs=512):
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(x), bs):
            out.append(model(torch.from_numpy(np.asarray(x[i:i + bs])[:, None, :])).numpy()[:, 0])
    return np.concatenate(out) if out else np.zeros(0)


def record_prob_cinc(model, data, folds, T):
    ps, ys, names = [], [], []
    for r in data["cinc2017"]:
        if r["fold"] in folds:
            w, _ = C.windows(r["filtered"][0])
            z = logits_of(model, w) / T
            ps.append(C.record_probability(1 / (1 + np.exp(-z)))); ys.append(int(r["label"] == "A")); names.append(r["record"])
    return np.array(ps), np.array(ys), names


def fit_temperature(z, y):
    best = (1e9, 1.0)
    for T in np.exp(np.linspace(np.log(0.25), np.log(8), 200)):
        p = np.clip(1 / (1 + np.exp(-z / T)), 1e-7, 1 - 1e-7)
        nll = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        best = min(best, (nll, float(T)))
    return best[1]


def best_f1_threshold(p, y):
    best = (-1, 0.5)
    for t in np.linspace(0.05, 0.95, 91):
        yh = p >= t
        tp = np.sum(yh & (y == 1)); fp = np.sum(yh & (y == 0)); fn = np.sum(~yh & (y == 1))
        f1 = 2 * tp / max(2 * tp + fp + fn, 1)
        if f1 > best[0] + 1e-9:
            best = (f1, float(t))
    return best[1], best[0]


def train(data, train_folds, steps, seed, log):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    s = Sampler(data, train_folds, rng)
    model = AFNet()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps, pct_start=0.15)
    lossf = nn.BCEWithLogitsLoss()
    t0 = time.time()
    run = 0.0
    for step in range(steps):
        model.train()
        x, y = s.batch(64)
        loss = lossf(model(x), y)
        opt.zero_grad(); loss.backward(); opt.step(); sched.step()
        run = 0.98 * run + 0.02 * float(loss.detach())
        if (step + 1) % 200 == 0:
            log(f"  step {step + 1}/{steps} loss {run:.3f} {time.time() - t0:.0f}s")
    return model


def calibrate(model, data, cal_fold):
    xw, yw = window_set(data, {cal_fold})
    z = logits_of(model, xw)
    T = fit_temperature(z, yw)
    p, y, _ = record_prob_cinc(model, data, {cal_fold}, T)
    thr, f1 = best_f1_threshold(p, y)
    return {"temperature": T, "threshold": thr, "calibration_fold": cal_fold, "calibration_cinc2017_f1": round(float(f1), 4),
            "calibration_windows": int(len(yw))}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=1600)
    ap.add_argument("--folds", default="0,1,2,3,4")
    ap.add_argument("--skip-final", action="store_true")
    ap.add_argument("--final-only", action="store_true")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    os.makedirs(f"{a.out}/cv", exist_ok=True)
    with open(a.dataset, "rb") as f:
        data = pickle.load(f)
    logf = open(f"{a.out}/train.log", "a")

    def log(m):
        print(m, flush=True); logf.write(m + "\n"); logf.flush()
    for k in ([] if a.final_only else [int(v) for v in a.folds.split(",") if v != ""]):
        cal = (k + 1) % 5
        tr = {0, 1, 2, 3, 4} - {k, cal}
        log(f"fold {k}: train {sorted(tr)} calibrate {cal} test {k}")
        m = train(data, tr, a.steps, 100 + k, log)
        c = calibrate(m, data, cal)
        c.update({"train_folds": sorted(tr), "test_fold": k, "steps": a.steps})
        log(f"  {c}")
        torch.save(m.state_dict(), f"{a.out}/cv/fold{k}.pt")
        json.dump(c, open(f"{a.out}/cv/fold{k}.json", "w"), indent=2)
    if not a.skip_final:
        log("final: train [1, 2, 3, 4] calibrate 0")
        m = train(data, {1, 2, 3, 4}, a.steps, 7, log)
        c = calibrate(m, data, 0)
        c.update({"train_folds": [1, 2, 3, 4], "steps": a.steps})
        log(f"  {c}")
        torch.save(m.state_dict(), f"{a.out}/final.pt")
        json.dump(c, open(f"{a.out}/final.json", "w"), indent=2)
        export(m, f"{a.out}/model.onnx")


def export(model, path):
    model.eval()
    x = torch.zeros(2, 1, C.WIN)
    torch.onnx.export(model, x, path, input_names=["ecg"], output_names=["logits"], opset_version=17,
                      dynamic_axes={"ecg": {0: "batch"}, "logits": {0: "batch"}}, dynamo=False)


if __name__ == "__main__":
    main()
