#!/usr/bin/env python3
"""ecg-af and the openvital peer side by side on the same real records, in one run:

    Tools/ecg/real/eval_af.py --dataset /tmp/ecg-af-data.pkl --models /tmp/ecg-af --peer /tmp/peer/model.onnx \
        --out /tmp/ecg-af/evaluation.json

- CinC 2017 (300 records, 50 AF): each record scored by the cross-validation model that did not see its
  fold (train 3 folds, calibrate 1, test 1), at that model's own threshold; pooled over the 5 folds.
- MIT-BIH Arrhythmia: 10 s windows (hop 10 s; AF when ≥ half the window is annotated AFIB), scored by the
  model that did not see the record's fold; both leads, mean probability.
- CinC 2021 (50 12-lead records, none AF): false AF count of every fold model and of the shipped model
  (`final.pt`); 12 leads, mean probability.
The peer (openvital 0.2.1 rhythm model): lead II / MLII / the one lead, openvital's own resampling to 100 Hz,
consecutive 10 s windows from the start, x − min(x); record class = argmax of the mean softmax over windows.
"""
import argparse
import json
import pickle

import numpy as np
import torch

import af_common as C
import af_rr as R
from train_af import AFNet, logits_of
from train_af2 import AFHybrid, logits_of as logits_of2

BEATS = None  # {source: {record: [beats per lead]}} for models with the RR input (--beats)


def load(path):
    state = torch.load(path, map_location="cpu")
    m = AFHybrid() if any(k.startswith("rr.") for k in state) else AFNet()
    m.load_state_dict(state)
    m.eval()
    return m


def window_logits(model, w, beats, starts):
    if isinstance(model, AFHybrid):
        return logits_of2(model, w, R.features_for_starts(beats, starts))
    return logits_of(model, w)


def ours_record(model, T, leads, beats=None):
    """Record probability and window probabilities (mean over leads) for filtered leads (and their beats)."""
    per = []
    for i, x in enumerate(leads):
        w, st = C.windows(x)
        per.append(1 / (1 + np.exp(-window_logits(model, w, beats[i] if beats else None, st) / T)))
    wp = np.mean(np.stack(per), axis=0)
    return C.record_probability(wp), wp


class Peer:
    def __init__(self, path):
        import onnxruntime as ort
        self.s = ort.InferenceSession(path, providers=["CPUExecutionProvider"])

    def windows(self, x):
        st = list(range(0, len(x) - C.WIN + 1, C.WIN))
        if not st:
            return np.zeros((0, 4))
        w = np.stack([x[s:s + C.WIN] for s in st]).astype(np.float32)
        w -= w.min(axis=1, keepdims=True)
        return self.s.run(None, {"ecg": w[..., None]})[0]

    def record(self, x):
        p = self.windows(x)
        m = p.mean(axis=0)
        return float(m[1]), int(np.argmax(m) == 1)


def pv(se, sp, prev):
    ppv = se * prev / (se * prev + (1 - sp) * (1 - prev)) if se * prev + (1 - sp) * (1 - prev) > 0 else float("nan")
    npv = sp * (1 - prev) / (sp * (1 - prev) + (1 - se) * prev)
    return round(ppv, 4), round(npv, 4)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--models", required=True)
    ap.add_argument("--peer", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--beats", help="build_af_beats.py output (needed for models with the RR input)")
    a = ap.parse_args()
    global BEATS
    BEATS = pickle.load(open(a.beats, "rb")) if a.beats else None

    def beats_of(src, rec):
        return BEATS[src][rec] if BEATS else None
    torch.set_num_threads(a.threads)
    data = pickle.load(open(a.dataset, "rb"))
    peer = Peer(a.peer)
    folds = {k: (load(f"{a.models}/cv/fold{k}.pt"), json.load(open(f"{a.models}/cv/fold{k}.json"))) for k in range(5)}

    # CinC 2017
    c_y, c_p, c_dec, c_peer_p, c_peer_dec, c_fold = [], [], [], [], [], []
    for r in data["cinc2017"]:
        m, cal = folds[r["fold"]]
        p, _ = ours_record(m, cal["temperature"], r["filtered"], beats_of("cinc2017", r["record"]))
        c_y.append(int(r["label"] == "A")); c_p.append(p); c_dec.append(int(p >= cal["threshold"])); c_fold.append(r["fold"])
        pp, pd = peer.record(r["peer100"])
        c_peer_p.append(pp); c_peer_dec.append(pd)
    c_y = np.array(c_y)
    res = {"cinc2017": {
        "ecg_af": C.binary_metrics(c_y, np.array(c_dec), 0.5),
        "peer": C.binary_metrics(c_y, np.array(c_peer_dec), 0.5),
        "ecg_af_auroc": C.auroc(c_y, c_p), "peer_auroc_p_af": C.auroc(c_y, c_peer_p),
        "ecg_af_ece_10bins": round(C.ece(c_y, c_p), 4),
        "per_fold_ecg_af_f1": {k: C.binary_metrics(c_y[np.array(c_fold) == k], np.array(c_dec)[np.array(c_fold) == k], 0.5, boot=0)["f1"] for k in range(5)},
    }}
    # MIT-BIH windows
    m_y, m_p, m_dec, m_peer = [], [], [], []
    for r in data["mitdb"]:
        m, cal = folds[r["fold"]]
        st = C.window_starts(len(r["af100"]), hop=C.WIN)
        st = [s for s in st if s % C.WIN == 0]
        per = []
        for li, x in enumerate(r["filtered"]):
            w = C.standardize(np.stack([x[s:s + C.WIN] for s in st]))
            b = beats_of("mitdb", r["record"])
            per.append(1 / (1 + np.exp(-window_logits(m, w, b[li] if b else None, st) / cal["temperature"])))
        wp = np.mean(np.stack(per), axis=0)
        pw = peer.windows(r["peer100"])[:len(st)]
        for i, s in enumerate(st):
            m_y.append(int(r["af100"][s:s + C.WIN].mean() >= 0.5)); m_p.append(wp[i]); m_dec.append(int(wp[i] >= cal["threshold"]))
            m_peer.append(int(np.argmax(pw[i]) == 1))
    m_y = np.array(m_y)
    res["mitdb_windows"] = {
        "ecg_af": C.binary_metrics(m_y, np.array(m_dec), 0.5, boot=200),
        "peer": C.binary_metrics(m_y, np.array(m_peer), 0.5, boot=200),
        "ecg_af_auroc": C.auroc(m_y, m_p), "ecg_af_ece_10bins": round(C.ece(m_y, m_p), 4),
        "note": "MIT-BIH Arrhythmia is in the peer's likely training data (unknown) and in ecg-af's training folds for other records; windows of one record are correlated, so the CIs are optimistic.",
    }
    # CinC 2021
    final = load(f"{a.models}/final.pt"); fcal = json.load(open(f"{a.models}/final.json"))
    fa_final, fa_fold, fa_peer, probs = [], {k: 0 for k in range(5)}, [], {}
    for r in data["cinc2021"]:
        p, _ = ours_record(final, fcal["temperature"], r["filtered"], beats_of("cinc2021", r["record"]))
        probs[r["record"]] = round(p, 4)
        if p >= fcal["threshold"]:
            fa_final.append(r["record"])
        for k, (m, cal) in folds.items():
            q, _ = ours_record(m, cal["temperature"], r["filtered"], beats_of("cinc2021", r["record"]))
            fa_fold[k] += int(q >= cal["threshold"])
        _, pd = peer.record(r["peer100"])
        if pd:
            fa_peer.append(r["record"])
    res["cinc2021_12lead"] = {"records": len(data["cinc2021"]), "ecg_af_false_af": len(fa_final), "ecg_af_false_af_records": fa_final,
                              "ecg_af_false_af_per_fold_model": fa_fold, "peer_false_af": len(fa_peer), "peer_false_af_records": fa_peer,
                              "ecg_af_probabilities": probs, "ecg_af_specificity_ci95_wilson": C.wilson(50 - len(fa_final), 50)}
    se, sp = res["cinc2017"]["ecg_af"]["sensitivity"], res["cinc2017"]["ecg_af"]["specificity"]
    res["predictive_values_from_cinc2017_cv"] = {f"prevalence_{pr}": dict(zip(["ppv", "npv"], pv(se, sp, pr))) for pr in (0.05, 0.1, 50 / 300)}
    res["final_model_calibration"] = fcal
    json.dump(res, open(a.out, "w"), indent=2, default=float)
    c = res["cinc2017"]
    print(f"CinC 2017 (300, 50 AF) ecg-af F1 {c['ecg_af']['f1']} {c['ecg_af']['f1_ci95_bootstrap']} Se {c['ecg_af']['sensitivity']} Sp {c['ecg_af']['specificity']} | peer F1 {c['peer']['f1']} {c['peer']['f1_ci95_bootstrap']} Se {c['peer']['sensitivity']} Sp {c['peer']['specificity']}")
    mm = res["mitdb_windows"]
    print(f"MIT-BIH windows ({mm['ecg_af']['n']}, {mm['ecg_af']['positives']} AF) ecg-af F1 {mm['ecg_af']['f1']} Se {mm['ecg_af']['sensitivity']} Sp {mm['ecg_af']['specificity']} | peer F1 {mm['peer']['f1']} Se {mm['peer']['sensitivity']} Sp {mm['peer']['specificity']}")
    print(f"CinC 2021 (50, none AF) false AF: ecg-af {len(fa_final)} {fa_final} per fold {fa_fold} | peer {len(fa_peer)} {fa_peer}")


if __name__ == "__main__":
    main()
