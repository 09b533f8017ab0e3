"""Runs the two-stage pipeline (as docs/ct-models.md specifies) on held-out phantom studies, calibrates on the
validation split, measures the test split, runs the real TCIA slice, exports both models to ONNX (opset 17,
dynamic batch), checks them against onnxruntime, and writes the model cards.

usage: evaluate.py --data /tmp/ct-data --work /tmp/ct-work --models Models --real /tmp/tcia.npy
(val-raw/ and test-raw/ under --data: CTSynth studies exported raw by the generator driver, seeds 500001+ and 900001+)
"""
import argparse
import glob
import hashlib
import json
import os

import numpy as np
import onnxruntime as ort
import torch

import ctcommon as cc
from ctmodels import LesionNet, Localizer


def run_study(vol, spacing, sspacing, loc, les, loc_thr=0.5):
    xs = np.stack([cc.loc_input(vol[s], spacing) for s in range(vol.shape[0])])[:, None]
    with torch.no_grad():
        loc_logits = loc(torch.from_numpy(xs)).numpy()[:, 0]
    masks = 1 / (1 + np.exp(-loc_logits)) >= loc_thr
    slices, crops = [], []
    for s in range(vol.shape[0]):
        c = cc.loc_mask_to_centroid(masks[s], vol.shape[1:], spacing)
        if c is None:
            continue
        slices.append(s)
        crops.append(cc.crop_input(vol, s, c, spacing, sspacing))
    if not crops:
        return dict(masks=masks, slices=[], logits=[], study_logit=None, size_mm=None)
    with torch.no_grad():
        lg, seg = les(torch.from_numpy(np.stack(crops).astype(np.float32)))
    logits = lg.numpy()[:, 0]
    study = cc.aggregate(logits)
    top = int(np.argmax(logits))
    return dict(masks=masks, slices=slices, logits=logits.tolist(), study_logit=study,
                size_mm=longest_axis_mm(seg.numpy()[top, 0] > 0, cc.CROP_SPACING))


def longest_axis_mm(mask, spacing):
    ys, xs = np.nonzero(mask)
    if len(ys) < 2:
        return 0.0
    pts = np.stack([ys, xs], 1).astype(np.float64)
    d = np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(-1)).max() if len(pts) < 3000 else np.ptp(pts, 0).max()
    return float((d + 1) * spacing)


def studies(data, split):
    """The studies under <data>/<split>-raw/ (CTSynth raw exports: <study>.json holds geometry and lesion diameter)."""
    d = os.path.join(data, split + "-raw")
    rows = []
    for f in sorted(glob.glob(os.path.join(d, "phantom-*.json"))):
        m = json.load(open(f))
        rows.append(dict(study=os.path.basename(f)[:-5], prefix=f[:-5], lesion_present=int(m["diameter"] > 0),
                         lesion_diameter_mm=m["diameter"] if m["diameter"] > 0 else ""))
    return rows


def evaluate_split(rows, loc, les):
    out = []
    for r in rows:
        vol, spacing, sspacing, lab = cc.read_raw(r["prefix"])
        res = run_study(vol, spacing, sspacing, loc, les)
        gt = np.stack([cc.loc_target(lab[s] >= 1, spacing) for s in range(lab.shape[0])]) > 0
        inter = np.logical_and(gt, res["masks"]).sum()
        dice = 2 * inter / max(gt.sum() + res["masks"].sum(), 1)
        out.append(dict(study=r["study"], y=int(r["lesion_present"]),
                        diameter=float(r["lesion_diameter_mm"]) if r["lesion_diameter_mm"] else None,
                        logit=res["study_logit"] if res["study_logit"] is not None else -20.0,
                        scored=len(res["slices"]), dice=float(dice), size_mm=res["size_mm"]))
    return out


def auc(y, s):
    y, s = np.asarray(y), np.asarray(s)
    pos, neg = s[y == 1], s[y == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    gt = (pos[:, None] > neg[None]).sum() + 0.5 * (pos[:, None] == neg[None]).sum()
    return float(gt / (len(pos) * len(neg)))


def sens_at_spec(y, s, spec=0.95):
    y, s = np.asarray(y), np.asarray(s)
    neg = np.sort(s[y == 0])
    k = int(np.ceil(spec * len(neg))) - 1
    thr = neg[k]  # scores strictly above the k-th negative: specificity >= spec
    return float((s[y == 1] > thr).mean()), float((neg <= thr).mean())


def sigmoid(z):
    return 1 / (1 + np.exp(-np.asarray(z, dtype=np.float64)))


def fit_temperature(y, z):
    y, z = np.asarray(y), np.asarray(z)
    best = None
    for t in np.exp(np.linspace(np.log(0.05), np.log(50), 400)):
        p = np.clip(sigmoid(z / t), 1e-7, 1 - 1e-7)
        nll = -(y * np.log(p) + (1 - y) * np.log(1 - p)).mean()
        if best is None or nll < best[0]:
            best = (nll, t)
    return float(best[1])


def ece(y, p, bins=10):
    y, p = np.asarray(y), np.asarray(p)
    e = 0.0
    for i in range(bins):
        m = (p >= i / bins) & (p < (i + 1) / bins) if i < bins - 1 else (p >= i / bins)
        if m.any():
            e += m.mean() * abs(p[m].mean() - y[m].mean())
    return float(e)


def bootstrap_auc(y, s, n=1000, seed=0):
    rng = np.random.default_rng(seed)
    y, s = np.asarray(y), np.asarray(s)
    vals = []
    for _ in range(n):
        i = rng.integers(0, len(y), len(y))
        if y[i].min() != y[i].max():
            vals.append(auc(y[i], s[i]))
    return float(np.percentile(vals, 2.5)), float(np.percentile(vals, 97.5))


def export(net, path, dummy, inputs, outputs):
    net.eval()
    dyn = {n: {0: "batch"} for n in inputs + outputs}
    torch.onnx.export(net, dummy, path, input_names=inputs, output_names=outputs, opset_version=17,
                      dynamic_axes=dyn, dynamo=False)
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    x = torch.rand(3, *dummy.shape[1:])
    with torch.no_grad():
        ref = net(x)
    ref = ref if isinstance(ref, tuple) else (ref,)
    got = sess.run(None, {inputs[0]: x.numpy()})
    return max(float(np.abs(r.numpy() - g).max()) for r, g in zip(ref, got))


def sha256(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--models", required=True)
    ap.add_argument("--real", help=".npy of the TCIA slice from `vigil ct convert`")
    ap.add_argument("--real-spacing", type=float, default=0.859375)
    ap.add_argument("--real-row-dir", default="1,0,0", help="row direction cosines of the real slice (DICOM IOP[0:3])")
    ap.add_argument("--real-col-dir", default="0,-1,0", help="column direction cosines of the real slice (DICOM IOP[3:6])")
    ap.add_argument("--version", default="0.1.0")
    a = ap.parse_args()
    torch.set_num_threads(1)
    loc, les = Localizer(), LesionNet()
    loc.load_state_dict(torch.load(os.path.join(a.work, "localizer.pt")))
    les.load_state_dict(torch.load(os.path.join(a.work, "lesion.pt")))
    loc.eval()
    les.eval()
    train_info = json.load(open(os.path.join(a.work, "train-log.json")))

    val = evaluate_split(studies(a.data, "val"), loc, les)
    test = evaluate_split(studies(a.data, "test"), loc, les)
    T = fit_temperature([r["y"] for r in val], [r["logit"] for r in val])
    pv = sigmoid(np.array([r["logit"] for r in val]) / T)
    yv = np.array([r["y"] for r in val])
    neg = np.sort(pv[yv == 0])
    thr = float(min(np.nextafter(neg[int(np.ceil(0.95 * len(neg))) - 1], 1.0), 1.0))
    yt = np.array([r["y"] for r in test])
    zt = np.array([r["logit"] for r in test])
    pt = sigmoid(zt / T)
    res = dict(temperature=T, threshold=thr, nVal=len(val), nTest=len(test),
               nTestPos=int(yt.sum()), nTestNeg=int((1 - yt).sum()),
               valAUC=auc(yv, pv), testAUC=auc(yt, pt), testAUCci=bootstrap_auc(yt, pt))
    res["testSensAt95Spec"], res["testSpecAtThatCut"] = sens_at_spec(yt, pt)
    res["testSensAtOperatingThreshold"] = float((pt[yt == 1] >= thr).mean())
    res["testSpecAtOperatingThreshold"] = float((pt[yt == 0] < thr).mean())
    res["testECE"] = ece(yt, pt)
    res["testDiceLocalizer"] = float(np.mean([r["dice"] for r in test]))
    bins = {}
    for lo, hi in ((5, 10), (10, 20), (20, 40.01)):
        m = np.array([r["y"] == 1 and lo <= r["diameter"] < hi for r in test])
        keep = m | (yt == 0)
        bins["%g-%g mm" % (lo, round(hi))] = dict(n=int(m.sum()), sensAtOperatingThreshold=float((pt[m] >= thr).mean()) if m.any() else None,
                                                  aucVsAllNegatives=auc(yt[keep], pt[keep]) if m.any() else None)
    res["bySize"] = bins
    sizes = [(r["diameter"], r["size_mm"]) for r in test if r["y"] == 1 and r["size_mm"]]
    res["sizeEstimateMAEmm"] = float(np.mean([abs(d - e) for d, e in sizes])) if sizes else None
    if a.real:
        v = cc.to_standard_orientation(np.load(a.real).astype(np.float32), [float(x) for x in a.real_row_dir.split(",")],
                                       [float(x) for x in a.real_col_dir.split(",")])
        r = run_study(v, (a.real_spacing, a.real_spacing), None, loc, les)
        res["realTCIA"] = dict(scoredSlices=len(r["slices"]), maskPixels128=int(r["masks"].sum()),
                               studyLogit=r["study_logit"],
                               probability=None if r["study_logit"] is None else float(sigmoid(r["study_logit"] / T)),
                               aboveThreshold=None if r["study_logit"] is None else bool(sigmoid(r["study_logit"] / T) >= thr))
    res["train"] = {k: v for k, v in train_info.items() if k != "log"}

    for d in ("ct-pancreas-localizer", "ct-pancreas-lesion"):
        os.makedirs(os.path.join(a.models, d), exist_ok=True)
    lp = os.path.join(a.models, "ct-pancreas-localizer", "model.onnx")
    ep = os.path.join(a.models, "ct-pancreas-lesion", "model.onnx")
    res["onnxMaxAbsDiffLocalizer"] = export(loc, lp, torch.zeros(1, 1, 128, 128), ["ct"], ["pancreas_logits"])
    res["onnxMaxAbsDiffLesion"] = export(les, ep, torch.zeros(1, 3, 96, 96), ["crop"], ["lesion_logit", "lesion_mask_logits"])
    res["onnxBytes"] = [os.path.getsize(lp), os.path.getsize(ep)]
    json.dump(dict(res, val=val, test=test), open(os.path.join(a.work, "evaluation.json"), "w"), indent=1)
    import write_cards
    write_cards.write(a.models, res, sha256(lp), sha256(ep), a.version)
    print(json.dumps({k: v for k, v in res.items()}, indent=1))


if __name__ == "__main__":
    main()
