#!/usr/bin/env python3
"""Test fixtures for AFDetector (Tests/ECGDetectorsTests/Fixtures/af/): a tiny untrained AFNet (PyTorch →
ONNX, a few hundred parameters) with a card, a synthetic 2-lead 360 Hz 25 s signal (no patient data), the
windows af_common.py makes from it (scipy) and onnxruntime's logits for them.

    /work/venv-tools/bin/python Tools/ecg/real/make_af_fixtures.py
"""
import hashlib
import json
import os

import numpy as np
import onnxruntime as ort
import torch

import af_card
import af_common as C
from train_af import AFNet, export

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "..", "Tests", "ECGDetectorsTests", "Fixtures", "af")


def main():
    os.makedirs(f"{OUT}/tiny", exist_ok=True)
    torch.manual_seed(3)
    m = AFNet(widths=(4, 4, 4, 4, 4, 4, 4))
    m.eval()
    export(m, f"{OUT}/tiny/model.onnx")
    sha = hashlib.sha256(open(f"{OUT}/tiny/model.onnx", "rb").read()).hexdigest()
    card = {
        "schemaVersion": 1, "name": "Tiny untrained AF test model", "version": "0.0.1", "weightsFile": "model.onnx",
        "weightsSHA256": sha, "intendedUse": "Unit tests of AFDetector only.",
        "notForUse": ["Anything: random weights"],
        "trainingData": {"description": "None: random initialisation (torch seed 3).", "synthetic": True,
                         "source": "Tools/ecg/real/make_af_fixtures.py"},
        "evaluation": [{"dataset": {"name": "the fixture signal (synthetic, 2 leads, 25 s): parity only", "size": 1, "synthetic": True,
                                    "source": "Tests/ECGDetectorsTests/Fixtures/af/signal_360hz.npy"},
                        "metrics": [{"name": "parameters", "value": float(sum(p.numel() for p in m.parameters()))}]}],
        "limitations": ["Random weights; outputs mean nothing."],
        "references": [],
        "io": af_card.io_section(temperature=0.5, threshold=0.5),
    }
    json.dump(card, open(f"{OUT}/tiny/model.card.json", "w"), indent=2, ensure_ascii=False)
    # Synthetic signal: 2 leads, 360 Hz, 25 s, mV: spikes every 0.8 s on a slow wave, plus noise.
    fs, n = 360, 25 * 360
    t = np.arange(n) / fs
    rng = np.random.default_rng(11)
    lead0 = 0.2 * np.sin(2 * np.pi * 0.3 * t) + rng.normal(0, 0.03, n)
    for b in np.arange(0.4, 25, 0.8):
        lead0 += 1.2 * np.exp(-0.5 * ((t - b) / 0.012) ** 2)
    lead1 = -0.6 * lead0 + rng.normal(0, 0.05, n)
    sig = np.stack([lead0, lead1]).astype(np.float32)
    np.save(f"{OUT}/signal_360hz.npy", sig)
    wins = []
    for x in sig:
        w, st = C.windows(C.filter_lead(x.astype(np.float64), fs))
        wins.append(w)
    wins = np.concatenate(wins).astype(np.float32)
    np.save(f"{OUT}/expected_windows.npy", wins)
    s = ort.InferenceSession(f"{OUT}/tiny/model.onnx", providers=["CPUExecutionProvider"])
    logits = s.run(None, {"ecg": wins[:, None, :]})[0]
    np.save(f"{OUT}/expected_logits.npy", logits.astype(np.float32))
    p = 1 / (1 + np.exp(-logits[:, 0].astype(np.float64) / 0.5))
    k = len(st)
    wp = (p[:k] + p[k:]) / 2
    json.dump({"windowStartsSeconds": [s_ / C.FS for s_ in st], "windowProbabilities": wp.tolist(),
               "recordProbability": C.record_probability(wp)}, open(f"{OUT}/expected_record.json", "w"), indent=2)
    print("windows", wins.shape, "record p", C.record_probability(wp))




SAMPLE_208 = os.path.join(HERE, "..", "..", "..", "SampleData", "ecg", "mitdb208_excerpt")


def rr_fixtures():
    """RR parity on real data: the SampleData MIT-BIH 208 excerpt (5 min, MLII, many PVCs; PyPI scipy), read
    with wfdb-python and prepared as af_common.py does; the beats af_rr.py finds, the features of every window,
    the first 16 windows; and a tiny untrained two-input model (signal + RR features) with onnxruntime's logits."""
    import wfdb
    import af_rr as R
    from train_af2 import AFHybrid, export as export2
    r = wfdb.rdrecord(SAMPLE_208)
    x = C.filter_lead(r.p_signal[:, 0], r.fs).astype(np.float32)
    beats = R.detect_beats(x)
    w, st = C.windows(x)
    feats = R.features_for_starts(beats, st)
    np.save(f"{OUT}/rr_mitdb208_beats.npy", beats.astype(np.float32))
    np.save(f"{OUT}/rr_mitdb208_features.npy", feats.astype(np.float32))
    np.save(f"{OUT}/rr_mitdb208_windows16.npy", w[:16].astype(np.float32))
    os.makedirs(f"{OUT}/tiny-rr", exist_ok=True)
    torch.manual_seed(5)
    m = AFHybrid(widths=(4, 4, 4, 4, 4, 4, 4), hidden=4)
    with torch.no_grad():
        for p_ in m.rr.parameters():
            p_.mul_(3)
    m.eval()
    export2(m, f"{OUT}/tiny-rr/model.onnx")
    sha = hashlib.sha256(open(f"{OUT}/tiny-rr/model.onnx", "rb").read()).hexdigest()
    card = json.load(open(f"{OUT}/tiny/model.card.json"))
    card.update({"name": "Tiny untrained AF test model with RR features", "weightsSHA256": sha,
                 "io": af_card.io_section(temperature=0.5, threshold=0.5, rr=True)})
    card["trainingData"]["description"] = "None: random initialisation (torch seed 5)."
    json.dump(card, open(f"{OUT}/tiny-rr/model.card.json", "w"), indent=2, ensure_ascii=False)
    s = ort.InferenceSession(f"{OUT}/tiny-rr/model.onnx", providers=["CPUExecutionProvider"])
    np.save(f"{OUT}/tiny_rr_logits.npy", s.run(None, {"ecg": w[:16, None, :].astype(np.float32), "rr": feats[:16]})[0].astype(np.float32))
    print("mitdb208 excerpt: beats", len(beats), "windows", len(st))


def shipped_parity():
    """onnxruntime's logits of the shipped Models/ecg-af model (AFShippedModelTests): on the first 16 windows of
    the MIT-BIH 208 excerpt with their RR features when the model takes them, else on the fixture windows."""
    path = os.path.join(HERE, "..", "..", "..", "Models", "ecg-af", "model.onnx")
    s = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    if len(s.get_inputs()) == 2:
        w = np.load(f"{OUT}/rr_mitdb208_windows16.npy")
        f = np.load(f"{OUT}/rr_mitdb208_features.npy")[:16]
        out = s.run(None, {"ecg": w[:, None, :], "rr": f})[0]
    else:
        wins = np.load(f"{OUT}/expected_windows.npy")
        out = s.run(None, {"ecg": wins[:, None, :]})[0]
    np.save(f"{OUT}/shipped_logits.npy", out.astype(np.float32))


if __name__ == "__main__":
    import sys
    if "--shipped-only" not in sys.argv and "--rr-only" not in sys.argv:
        main()
    if "--shipped-only" not in sys.argv:
        rr_fixtures()
    shipped_parity()
