#!/usr/bin/env python3
"""Trains ecg-af 0.2.0: the 0.1.0 1-D CNN (one lead, 10 s at 100 Hz) joined with RR-interval features of the
same window (af_rr.py: beats from Vigil's QRS detector, ectopy-robust irregularity), real ECGs only.

    nice -n 10 $PY Tools/ecg/real/train_af2.py --dataset /tmp/af-data.pkl --beats /tmp/af-beats.pkl \
        --init /tmp/af --out /tmp/af2 --steps 300 --folds 0

Same folds and protocol as train_af.py (for outer fold k: train on the three folds other than k and k+1,
calibrate on k+1 — temperature by minimum NLL on its windows, threshold by maximum F1 on its CinC 2017 records —
test on k; the shipped model trains on folds 1-4 and calibrates on fold 0). The CNN branch starts from the 0.1.0
weights of the same fold (`--init`: train_af.py's output, trained on the same folds), so nothing from the test
or calibration folds enters; the RR branch and the joint head start from scratch. CinC 2021 is never read.
Model: logit = head([CNN global mean+max features (128), MLP(8 RR features → 16 → 16)]), ONNX inputs
`ecg` [batch, 1, 1000] and `rr` [batch, 8], output `logits` [batch, 1].
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
import af_rr as R
from train_af import AFNet, Sampler, best_f1_threshold, fit_temperature


class AFHybrid(nn.Module):
    def __init__(self, widths=(16, 16, 32, 32, 64, 64, 64), hidden=16):
        super().__init__()
        self.cnn = AFNet(widths)
        self.rr = nn.Sequential(nn.Linear(R.N_FEATURES, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU())
        self.drop = nn.Dropout(0.3)
        self.c = 2 * widths[-1]
        self.head = nn.Linear(self.c + hidden, 1)
        self.branch_dropout = 0.5

    def forward(self, ecg, rr):
        h = self.cnn.features(ecg)
        h = self.drop(torch.cat([h.mean(dim=2), h.amax(dim=2)], dim=1))
        if self.training and self.branch_dropout > 0:
            # Branch dropout: some rows lose the CNN features, so the head must also decide from RR alone and
            # cannot lean only on a CNN branch that (warm-started) already fits its training records.
            keep = (torch.rand(h.shape[0], 1) >= self.branch_dropout).to(h.dtype)
            h = h * keep
        return self.head(torch.cat([h, self.rr(rr)], dim=1))

    def init_from(self, cnn_state):
        self.cnn.load_state_dict(cnn_state)
        with torch.no_grad():
            self.head.weight.zero_()
            self.head.weight[:, :self.c] = self.cnn.head.weight
            self.head.bias.copy_(self.cnn.head.bias)


class HybridSampler(Sampler):
    """Sampler's crops plus the RR features of each crop from the lead's beats."""

    def __init__(self, data, beats, folds, rng):
        super().__init__(data, folds, rng)
        self.beats = beats

    def batch(self, n, p_cinc=0.5, p_af=0.4):
        xs, fs, ys = [], [], []
        for _ in range(n):
            af = self.rng.random() < p_af
            if self.rng.random() < p_cinc:
                pool = self.cinc_af if af else self.cinc_no
                r = pool[int(self.rng.integers(len(pool)))]
                x0 = r["filtered"][0]
                s = int(self.rng.integers(0, len(x0) - C.WIN + 1))
                b = self.beats["cinc2017"][r["record"]][0]
            else:
                pool = self.mit_af if af else self.mit_no
                r, li, s = pool[int(self.rng.integers(len(pool)))]
                x0 = r["filtered"][li]
                s = min(s + int(self.rng.integers(0, 50)), len(x0) - C.WIN)
                b = self.beats["mitdb"][r["record"]][li]
            x = np.asarray(x0[s:s + C.WIN], np.float64)
            if self.rng.random() < 0.5:
                x = -x
            x = x * float(np.exp(self.rng.normal(0, 0.1))) + self.rng.normal(0, 0.02, C.WIN)
            xs.append(x); fs.append(R.window_features(b, s)); ys.append(float(af))
        return (torch.from_numpy(C.standardize(np.stack(xs))[:, None, :]), torch.from_numpy(np.stack(fs)),
                torch.tensor(ys)[:, None])


def logits_of(model, x, f, bs=512):
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(x), bs):
            out.append(model(torch.from_numpy(np.asarray(x[i:i + bs])[:, None, :]), torch.from_numpy(np.asarray(f[i:i + bs]))).numpy()[:, 0])
    return np.concatenate(out) if out else np.zeros(0)


def lead_windows(x, beats, hop=C.HOP):
    w, st = C.windows(x, hop=hop)
    return w, R.features_for_starts(beats, st)


def record_window_probs(model, T, leads, beats):
    per = []
    for x, b in zip(leads, beats):
        w, f = lead_windows(x, b)
        per.append(1 / (1 + np.exp(-logits_of(model, w, f) / T)))
    return np.mean(np.stack(per), axis=0)


def window_set(data, beats, folds):
    xs, fs, ys = [], [], []
    for r in data["cinc2017"]:
        if r["fold"] in folds:
            w, f = lead_windows(r["filtered"][0], beats["cinc2017"][r["record"]][0])
            xs.append(w); fs.append(f); ys += [float(r["label"] == "A")] * len(w)
    for r in data["mitdb"]:
        if r["fold"] not in folds:
            continue
        st = C.window_starts(len(r["af100"]), hop=C.WIN)
        fr = np.array([r["af100"][s:s + C.WIN].mean() for s in st])
        keep = [i for i, v in enumerate(fr) if v in (0.0, 1.0)]
        for li, lead in enumerate(r["filtered"]):
            ks = [st[i] for i in keep]
            xs.append(C.standardize(np.stack([lead[s:s + C.WIN] for s in ks])))
            fs.append(R.features_for_starts(beats["mitdb"][r["record"]][li], ks))
            ys += [float(fr[i]) for i in keep]
    return np.concatenate(xs), np.concatenate(fs), np.array(ys)


def calibrate(model, data, beats, cal_fold):
    xw, fw, yw = window_set(data, beats, {cal_fold})
    T = fit_temperature(logits_of(model, xw, fw), yw)
    p, y = [], []
    for r in data["cinc2017"]:
        if r["fold"] == cal_fold:
            p.append(C.record_probability(record_window_probs(model, T, r["filtered"], beats["cinc2017"][r["record"]])))
            y.append(int(r["label"] == "A"))
    thr, f1 = best_f1_threshold(np.array(p), np.array(y))
    return {"temperature": T, "threshold": thr, "calibration_fold": cal_fold, "calibration_cinc2017_f1": round(float(f1), 4),
            "calibration_windows": int(len(yw))}


def train(data, beats, train_folds, steps, seed, init, log, lr=1e-3):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    s = HybridSampler(data, beats, train_folds, rng)
    model = AFHybrid()
    if init:
        model.init_from(torch.load(init, map_location="cpu"))
    opt = torch.optim.AdamW([{"params": model.cnn.parameters(), "lr": lr},
                             {"params": list(model.rr.parameters()) + list(model.head.parameters()), "lr": 3 * lr}], weight_decay=1e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[lr, 3 * lr], total_steps=steps, pct_start=0.15)
    lossf = nn.BCEWithLogitsLoss()
    t0, run = time.time(), 0.0
    for step in range(steps):
        model.train()
        x, f, y = s.batch(64)
        loss = lossf(model(x, f), y)
        opt.zero_grad(); loss.backward(); opt.step(); sched.step()
        run = 0.98 * run + 0.02 * float(loss.detach()) if step else float(loss.detach())
        if (step + 1) % 50 == 0:
            log(f"  step {step + 1}/{steps} loss {run:.3f} {time.time() - t0:.0f}s")
    return model


def crop_set(data, beats, folds, rng, max_mit_no=4000, cinc_step=200, mit_step=500):
    """Fixed training crops for the frozen-CNN mode: CinC 2017 every 2 s (record label), MIT-BIH every 5 s
    wholly AF or wholly not AF (both leads; non-AF subsampled); random polarity. Returns windows, RR features,
    labels and weights that give each source half the weight and AF 40 % within each (as Sampler draws)."""
    xs, fs, ys, src = [], [], [], []
    for r in data["cinc2017"]:
        if r["fold"] not in folds:
            continue
        x, b = r["filtered"][0], beats["cinc2017"][r["record"]][0]
        for s in range(0, len(x) - C.WIN + 1, cinc_step):
            xs.append(x[s:s + C.WIN]); fs.append(R.window_features(b, s)); ys.append(float(r["label"] == "A")); src.append(0)
    mit = []
    for r in data["mitdb"]:
        if r["fold"] not in folds:
            continue
        af = r["af100"].astype(np.int32)
        cs = np.concatenate([[0], np.cumsum(af)])
        for s in range(0, len(af) - C.WIN, mit_step):
            f = cs[s + C.WIN] - cs[s]
            if f in (0, C.WIN):
                for li in range(len(r["filtered"])):
                    mit.append((r, li, s, float(f == C.WIN)))
    no = [m for m in mit if m[3] == 0.0]
    yes = [m for m in mit if m[3] == 1.0]
    if len(no) > max_mit_no:
        no = [no[i] for i in rng.choice(len(no), max_mit_no, replace=False)]
    for r, li, s, y in yes + no:
        xs.append(r["filtered"][li][s:s + C.WIN]); fs.append(R.window_features(beats["mitdb"][r["record"]][li], s)); ys.append(y); src.append(1)
    x = C.standardize(np.stack(xs))
    flip = rng.random(len(x)) < 0.5
    x[flip] = -x[flip]
    y, src = np.array(ys), np.array(src)
    w = np.zeros(len(y))
    for g in (0, 1):
        for c, share in ((1.0, 0.4), (0.0, 0.6)):
            m = (src == g) & (y == c)
            if m.any():
                w[m] = 0.5 * share / m.sum()
    return x, np.stack(fs), y, w * len(y)


def train_frozen(data, beats, train_folds, epochs, seed, init, log):
    """The 0.1.0 CNN (same folds) kept fixed; the RR branch and the joint head trained on fixed crops."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = AFHybrid()
    model.init_from(torch.load(init, map_location="cpu"))
    x, f, y, w = crop_set(data, beats, train_folds, rng)
    t0 = time.time()
    model.eval()
    with torch.no_grad():
        hs = []
        for i in range(0, len(x), 512):
            h = model.cnn.features(torch.from_numpy(x[i:i + 512])[:, None, :])
            hs.append(torch.cat([h.mean(dim=2), h.amax(dim=2)], dim=1))
        H = torch.cat(hs)
    log(f"  {len(y)} crops ({int(y.sum())} AF), CNN features in {time.time() - t0:.0f}s")
    F, Y, W = torch.from_numpy(f), torch.from_numpy(y).float()[:, None], torch.from_numpy(w).float()[:, None]
    params = list(model.rr.parameters()) + list(model.head.parameters())
    opt = torch.optim.AdamW(params, lr=3e-3, weight_decay=1e-3)
    for ep in range(epochs):
        model.train()
        perm = torch.randperm(len(Y))
        tot = 0.0
        for i in range(0, len(Y), 256):
            j = perm[i:i + 256]
            h = model.drop(H[j])
            keep = (torch.rand(len(j), 1) >= model.branch_dropout).float()
            z = model.head(torch.cat([h * keep, model.rr(F[j])], dim=1))
            loss = (nn.functional.binary_cross_entropy_with_logits(z, Y[j], reduction="none") * W[j]).mean()
            opt.zero_grad(); loss.backward(); opt.step()
            tot += float(loss) * len(j)
        if (ep + 1) % 10 == 0:
            log(f"  epoch {ep + 1}/{epochs} loss {tot / len(Y):.3f} {time.time() - t0:.0f}s")
    model.eval()
    return model


def export(model, path):
    model.eval()
    torch.onnx.export(model, (torch.zeros(2, 1, C.WIN), torch.zeros(2, R.N_FEATURES)), path, input_names=["ecg", "rr"],
                      output_names=["logits"], opset_version=17,
                      dynamic_axes={"ecg": {0: "batch"}, "rr": {0: "batch"}, "logits": {0: "batch"}}, dynamo=False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--beats", required=True)
    ap.add_argument("--init", help="train_af.py output folder (cv/fold{k}.pt, final.pt) to start the CNN branch from")
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--folds", default="0,1,2,3,4")
    ap.add_argument("--final", action="store_true", help="also (or, with --folds '', only) the shipped model")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--scratch", action="store_true", help="do not start the CNN branch from --init")
    ap.add_argument("--frozen-cnn", type=int, default=0, metavar="EPOCHS",
                    help="keep the --init CNN fixed and train only the RR branch and head for EPOCHS on fixed crops")
    a = ap.parse_args()
    if a.scratch:
        a.init = None
    torch.set_num_threads(a.threads)
    os.makedirs(f"{a.out}/cv", exist_ok=True)
    data = pickle.load(open(a.dataset, "rb"))
    data.pop("cinc2021", None)  # the other-hospital test set: never seen here
    beats = pickle.load(open(a.beats, "rb"))
    beats.pop("cinc2021", None)
    logf = open(f"{a.out}/train.log", "a")

    def log(m):
        print(m, flush=True); logf.write(m + "\n"); logf.flush()
    for k in [int(v) for v in a.folds.split(",") if v != ""]:
        cal = (k + 1) % 5
        tr = {0, 1, 2, 3, 4} - {k, cal}
        log(f"fold {k}: train {sorted(tr)} calibrate {cal} test {k}")
        if a.frozen_cnn:
            m = train_frozen(data, beats, tr, a.frozen_cnn, 200 + k, f"{a.init}/cv/fold{k}.pt", log)
        else:
            m = train(data, beats, tr, a.steps, 200 + k, a.init and f"{a.init}/cv/fold{k}.pt", log)
        c = calibrate(m, data, beats, cal)
        c.update({"train_folds": sorted(tr), "test_fold": k, "steps": a.steps, "frozen_cnn_epochs": a.frozen_cnn})
        log(f"  {c}")
        torch.save(m.state_dict(), f"{a.out}/cv/fold{k}.pt")
        json.dump(c, open(f"{a.out}/cv/fold{k}.json", "w"), indent=2)
    if a.final:
        log("final: train [1, 2, 3, 4] calibrate 0")
        if a.frozen_cnn:
            m = train_frozen(data, beats, {1, 2, 3, 4}, a.frozen_cnn, 9, f"{a.init}/final.pt", log)
        else:
            m = train(data, beats, {1, 2, 3, 4}, a.steps, 9, a.init and f"{a.init}/final.pt", log)
        c = calibrate(m, data, beats, 0)
        c.update({"train_folds": [1, 2, 3, 4], "steps": a.steps, "frozen_cnn_epochs": a.frozen_cnn})
        log(f"  {c}")
        torch.save(m.state_dict(), f"{a.out}/final.pt")
        json.dump(c, open(f"{a.out}/final.json", "w"), indent=2)
        export(m, f"{a.out}/model.onnx")


if __name__ == "__main__":
    main()
