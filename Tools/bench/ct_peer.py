#!/usr/bin/env python3
"""The CT scorer's pipeline in numpy + scipy + onnxruntime: the peer of `vigil bench ct`.

  python3 Tools/bench/ct_peer.py --volume v.npy --geometry g.json --localizer DIR --lesion DIR \
      --threads 2 --repeats 3 --json

Runs, on one volume, what Sources/CTDetector does (docs/ct-models.md), with the settings read from the
two model cards (DIR/model.card.json):
  1. every slice resampled to the localiser grid around the image centre
     (scipy.ndimage.map_coordinates, order 1, mode 'constant', cval padHU), windowed;
  2. the localiser (onnxruntime) in batches of --batch; slices with >= minMaskPixels above the mask
     threshold give a crop centre (mask centroid mapped back to source pixels);
  3. three-slice crops (z -/+ sliceSpacingMM, linear along z, nearest slice beyond the ends), the lesion
     model in batches; study score = max over windows of aggregationWindow consecutive scored slices
     of the mean score;
  4. occlusion saliency on the evidenceSlices top slices (same patch, stride and fill as the detector),
     all patches in batches.
Not done here: the intended-use checks and the PNG rendering (Vigil times those separately).

The geometry JSON: {"rowSpacingMM", "columnSpacingMM", "slicePositionsMM": [...]}; the volume is float32
[slices, rows, columns] in HU. onnxruntime sessions: CPU, intra_op_num_threads = --threads,
inter_op_num_threads 1, sequential, ORT_ENABLE_ALL. One warm-up run, then --repeats timed runs; medians.

With --json, stdout is one JSON object:
  {"onnxruntime": version, "numpy": version, "scipy": version, "total_s", "inference_s", "other_s" (total - inference),
   "scored_slices", "study_score", "top_slices": [...]}
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time

import numpy as np
import onnxruntime as ort
import scipy
from scipy import ndimage


def card(folder: str) -> dict:
    with open(os.path.join(folder, "model.card.json")) as f:
        return json.load(f)


def session(folder: str, c: dict, threads: int) -> ort.InferenceSession:
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.log_severity_level = 3
    return ort.InferenceSession(os.path.join(folder, c["weightsFile"]), so, providers=["CPUExecutionProvider"])


def window(hu: np.ndarray, center: float, width: float) -> np.ndarray:
    return np.clip((hu - (center - width / 2)) / width, 0, 1).astype(np.float32)


def logit_threshold(label: dict) -> float:
    t, temp = label["operatingThreshold"], label.get("temperature", 1)
    if t <= 0:
        return -math.inf
    if t >= 1:
        return math.inf
    return temp * math.log(t / (1 - t))


class Pipeline:
    def __init__(self, vol, geo, loc_dir, les_dir, threads, batch):
        self.vol, self.geo, self.batch = vol, geo, batch
        self.lc, self.kc = card(loc_dir), card(les_dir)
        self.ls, self.ks = session(loc_dir, self.lc, threads), session(les_dir, self.kc, threads)
        li, ki = self.lc["io"]["inputs"][0], self.kc["io"]["inputs"][0]
        self.lp, self.kp = li["preprocessing"], ki["preprocessing"]
        self.lin, self.kin = li["name"], ki["name"]
        self.lrows, self.lcols = li["shape"][2], li["shape"][3]
        self.krows, self.kcols = ki["shape"][2], ki["shape"][3]
        lmask = next(o for o in self.lc["io"]["outputs"] if o["kind"] == "mask_logits")
        self.lout, self.lthr = lmask["name"], logit_threshold(lmask["labels"][0])
        score = next(o for o in self.kc["io"]["outputs"] if o["kind"] != "mask_logits")
        mask = next(o for o in self.kc["io"]["outputs"] if o["kind"] == "mask_logits")
        self.kscore, self.kmask = score["name"], mask["name"]
        self.pos = np.array(geo["slicePositionsMM"], dtype=np.float64)
        self.infer_s = 0.0

    def grid(self, center_r, center_c, rows, cols, spacing):
        rr = center_r + (np.arange(rows) - (rows - 1) / 2) * spacing / self.geo["rowSpacingMM"]
        cc = center_c + (np.arange(cols) - (cols - 1) / 2) * spacing / self.geo["columnSpacingMM"]
        gr, gc = np.meshgrid(rr, cc, indexing="ij")
        return np.stack([gr, gc])

    def plane(self, z, coords, pad):
        pos = self.pos
        if len(pos) == 1 or z <= pos[0]:
            s0 = s1 = 0
            w = 0.0
        elif z >= pos[-1]:
            s0 = s1 = len(pos) - 1
            w = 0.0
        else:
            s1 = int(np.searchsorted(pos, z, side="right"))
            s0 = s1 - 1
            w = (z - pos[s0]) / (pos[s1] - pos[s0])
        a = ndimage.map_coordinates(self.vol[s0], coords, order=1, mode="constant", cval=pad)
        if s1 == s0:
            return a
        return a * (1 - w) + ndimage.map_coordinates(self.vol[s1], coords, order=1, mode="constant", cval=pad) * w

    def run_batched(self, sess, name, data, outputs):
        res = [[] for _ in outputs]
        for start in range(0, len(data), self.batch):
            t = time.perf_counter()
            out = sess.run(outputs, {name: data[start:start + self.batch]})
            self.infer_s += time.perf_counter() - t
            for i, o in enumerate(out):
                res[i].append(o)
        return [np.concatenate(r) for r in res]

    def run(self):
        self.infer_s = 0.0
        vol, lp, kp = self.vol, self.lp, self.kp
        n, rows, cols = vol.shape
        cr, cc = (rows - 1) / 2, (cols - 1) / 2
        coords = self.grid(cr, cc, self.lrows, self.lcols, lp["pixelSpacingMM"])
        stage1 = np.empty((n, 1, self.lrows, self.lcols), np.float32)
        for s in range(n):
            stage1[s, 0] = window(self.plane(self.pos[s], coords, lp["padHU"]), lp["windowCenterHU"], lp["windowWidthHU"])
        masks = self.run_batched(self.ls, self.lin, stage1, [self.lout])[0]
        cands = []
        min_px = lp.get("minMaskPixels", 4)
        for s in range(n):
            on = np.argwhere(masks[s, 0] >= self.lthr)
            if len(on) < min_px:
                continue
            mr, mc = on.mean(axis=0)
            cands.append((s, cr + (mr - (self.lrows - 1) / 2) * lp["pixelSpacingMM"] / self.geo["rowSpacingMM"],
                          cc + (mc - (self.lcols - 1) / 2) * lp["pixelSpacingMM"] / self.geo["columnSpacingMM"]))
        if not cands:
            return {"scored_slices": 0}
        crops = np.empty((len(cands), 3, self.krows, self.kcols), np.float32)
        for k, (s, r, c) in enumerate(cands):
            g = self.grid(r, c, self.krows, self.kcols, kp["pixelSpacingMM"])
            for ch in range(3):
                z = self.pos[s] + (ch - 1) * kp["sliceSpacingMM"]
                crops[k, ch] = window(self.plane(z, g, kp["padHU"]), kp["windowCenterHU"], kp["windowWidthHU"])
        scores, _ = self.run_batched(self.ks, self.kin, crops, [self.kscore, self.kmask])
        scores = scores.reshape(-1).astype(np.float64)
        w = min(kp.get("aggregationWindow", 3), len(scores))
        study = float(np.convolve(scores, np.ones(w) / w, mode="valid").max())
        top = list(np.argsort(-scores, kind="stable")[: kp.get("evidenceSlices", 3)])
        patch = min(kp.get("occlusionPatchPixels", max(4, min(self.krows, self.kcols) // 8)), self.krows, self.kcols)

        def origins(extent):
            if extent <= patch:
                return [0]
            o = list(range(0, extent - patch + 1, max(1, stride)))
            if o[-1] != extent - patch:
                o.append(extent - patch)
            return o

        stride = kp.get("occlusionStridePixels", max(1, patch // 2))
        ro, co = origins(self.krows), origins(self.kcols)
        fill = float(window(np.array(kp.get("occlusionFillHU", 100.0)), kp["windowCenterHU"], kp["windowWidthHU"]))
        occl = np.empty((len(top) * len(ro) * len(co), 3, self.krows, self.kcols), np.float32)
        i = 0
        for k in top:
            for r0 in ro:
                for c0 in co:
                    occl[i] = crops[k]
                    occl[i, :, r0:r0 + patch, c0:c0 + patch] = fill
                    i += 1
        self.run_batched(self.ks, self.kin, occl, [self.kscore])
        return {"scored_slices": len(cands), "study_score": study, "top_slices": [int(cands[k][0]) for k in top]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--volume", required=True)
    ap.add_argument("--geometry", required=True)
    ap.add_argument("--localizer", required=True)
    ap.add_argument("--lesion", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    try:
        vol = np.load(a.volume).astype(np.float32)
        with open(a.geometry) as f:
            geo = json.load(f)
        p = Pipeline(vol, geo, a.localizer, a.lesion, a.threads, a.batch)
    except (OSError, ValueError, KeyError) as e:
        print(f"ct_peer: {e}", file=sys.stderr)
        return 2
    p.run()  # warm-up
    totals, infers = [], []
    result = {}
    for _ in range(max(1, a.repeats)):
        t = time.perf_counter()
        result = p.run()
        totals.append(time.perf_counter() - t)
        infers.append(p.infer_s)
    out = {"onnxruntime": ort.__version__, "numpy": np.__version__, "scipy": scipy.__version__,
           "total_s": statistics.median(totals), "inference_s": statistics.median(infers),
           "other_s": statistics.median(totals) - statistics.median(infers), **result}
    if a.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"{k:16s} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
