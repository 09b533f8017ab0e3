#!/usr/bin/env python3
"""Builds the two small test models of the CNN ECG detector and their reference data (seeded).

These models have NO clinical meaning. They exist to test `CNNECGDetector` (Sources/ECGDetectors):
that it reads everything from the model card, that its preprocessing matches scipy, that its
outputs match onnxruntime, and that its occlusion saliency points at the leads a model reads.

What it makes, under Tests/ECGDetectorsTests/Fixtures/cnn/:

  tiny12/model.onnx, tiny12/model.card.json
      "lead-selective" CNN, input `ecg` [batch, 12, 2500] (10 s at 250 Hz, mV, 0.5-40 Hz band-pass,
      no standardisation), output `logits` [batch, 6] with the six ecg.cnn.* codes. Each label reads
      exactly one lead (depthwise convolutions, a masked final Linear with positive weights, no biases
      before the ReLUs), so occluding that lead lowers that label's logit and no other lead changes it:
        afib -> II, lbbb -> V6, rbbb -> V1, lvh -> V5, st_elevation -> V2, pvc -> I.
  low-ef/model.onnx, low-ef/model.card.json
      a stand-in for a hospital's own low-ejection-fraction model, deliberately different in every
      card-described respect: input `waveform` [batch, 8, 4000] (8 s at 500 Hz) with leads in the
      order V1..V6, I, II, per-lead standardisation, no band-pass; output `prob` (a Sigmoid inside
      the graph, kind "probabilities") with the single label `ecg.low_ef`, temperature 1.5.
  record_500hz.npy      float32 [12, 5000]: a 10 s synthetic sinus record at 500 Hz in mV
                        (cnn_common.synthetic_record), leads in standard order
  <model>/expected_input.npy    float32 [1, leads, length]: the record preprocessed with scipy
                                (cnn_common.preprocess) as that model's card describes
  <model>/expected_output.npy   float32 [1, labels]: onnxruntime's output on expected_input
                                (all graph optimisations disabled)

Run:  /work/venv-tools/bin/python Tools/ecg/make_cnn_test_models.py
"""

from __future__ import annotations

import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cnn_common import STANDARD_LEADS, preprocess, sha256_file, synthetic_record, write_json  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "Tests", "ECGDetectorsTests", "Fixtures", "cnn")
SEED = 20261125

CNN_LABELS = [
    ("ecg.cnn.afib", "Atrial fibrillation", "II"),
    ("ecg.cnn.lbbb", "Left bundle branch block", "V6"),
    ("ecg.cnn.rbbb", "Right bundle branch block", "V1"),
    ("ecg.cnn.lvh", "Left ventricular hypertrophy pattern", "V5"),
    ("ecg.cnn.st_elevation", "ST elevation", "V2"),
    ("ecg.cnn.pvc", "Premature ventricular complexes", "I"),
]


class LeadSelective(nn.Module):
    def __init__(self, leads: list[str], selected: list[str]):
        super().__init__()
        c = len(leads)
        self.conv1 = nn.Conv1d(c, c, 7, padding=3, groups=c, bias=False)
        self.conv2 = nn.Conv1d(c, c, 5, padding=2, groups=c, bias=False)
        self.pool = nn.AdaptiveAvgPool1d(1)
        self.fc = nn.Linear(c, len(selected))
        mask = torch.zeros(len(selected), c)
        for j, name in enumerate(selected):
            mask[j, leads.index(name)] = 1.0
        with torch.no_grad():
            self.conv1.weight.mul_(3.0)
            self.conv2.weight.abs_()
            self.fc.weight.copy_(mask * (2.0 + torch.rand(len(selected), c)))
            self.fc.bias.copy_(torch.linspace(-1.5, -0.5, len(selected)))

    def forward(self, x):
        h = torch.relu(self.conv1(x))
        h = torch.relu(self.conv2(h))
        return self.fc(self.pool(h).flatten(1))


class LowEF(nn.Module):
    def __init__(self, leads: int):
        super().__init__()
        self.conv1 = nn.Conv1d(leads, 8, 9, stride=2, padding=4)
        self.bn1 = nn.BatchNorm1d(8)
        self.pool1 = nn.MaxPool1d(4)
        self.conv2 = nn.Conv1d(8, 8, 7, stride=2, padding=3)
        self.bn2 = nn.BatchNorm1d(8)
        self.fc = nn.Linear(8, 1)

    def forward(self, x):
        h = self.pool1(torch.relu(self.bn1(self.conv1(x))))
        h = torch.relu(self.bn2(self.conv2(h)))
        return torch.sigmoid(self.fc(h.mean(dim=2)))


def export(model: nn.Module, path: str, shape: list[int], in_name: str, out_name: str) -> None:
    model.eval()
    torch.onnx.export(model, (torch.zeros(*shape),), path, dynamo=False, opset_version=17,
                      input_names=[in_name], output_names=[out_name],
                      dynamic_axes={in_name: {0: "batch"}, out_name: {0: "batch"}},
                      do_constant_folding=False, export_params=True)
    onnx.checker.check_model(onnx.load(path))


def run_ort(path: str, name: str, x: np.ndarray) -> np.ndarray:
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    sess = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
    return sess.run(None, {name: x})[0]


def card(name: str, sha: str, input_spec: dict, output_spec: dict, intended: str) -> dict:
    return {
        "schemaVersion": 1,
        "name": name,
        "version": "0.0.1-test",
        "weightsFile": "model.onnx",
        "weightsSHA256": sha,
        "intendedUse": intended,
        "notForUse": ["Any clinical or research use: this is a software test model with no clinical meaning"],
        "trainingData": {
            "description": "Not trained: seeded random weights with a hand-set structure, made by "
                           "Tools/ecg/make_cnn_test_models.py.",
            "synthetic": True,
            "source": "Tools/ecg/make_cnn_test_models.py",
        },
        "evaluation": [{
            "dataset": {"name": "none (software test model)", "size": 1, "synthetic": True,
                        "source": "Tools/ecg/make_cnn_test_models.py"},
            "metrics": [{"name": "parity max-abs vs onnxruntime (checked by the Swift tests)", "value": 0.0}],
        }],
        "limitations": ["Untrained test model; its outputs mean nothing."],
        "references": ["Tools/ecg/make_cnn_test_models.py"],
        "io": {"inputs": [input_spec], "outputs": [output_spec]},
    }


def main() -> None:
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    os.makedirs(OUT, exist_ok=True)
    record = synthetic_record(rng, 500, 10.0, hr=72.0)
    np.save(os.path.join(OUT, "record_500hz.npy"), record)

    # --- tiny12 -------------------------------------------------------------------------------
    d = os.path.join(OUT, "tiny12")
    os.makedirs(d, exist_ok=True)
    spec = {"leads": STANDARD_LEADS, "sampleRateHz": 250, "lengthSamples": 2500, "scaling": "mV",
            "bandPassHz": [0.5, 40], "bandPassOrder": 2, "standardize": "none",
            "pacedRhythm": "outside_intended_use", "saliencyWindowSeconds": 1.0}
    model = LeadSelective(STANDARD_LEADS, [lead for _, _, lead in CNN_LABELS])
    path = os.path.join(d, "model.onnx")
    export(model, path, [1, 12, 2500], "ecg", "logits")
    x = preprocess(record, 500, spec)[None]
    y = run_ort(path, "ecg", x)
    with torch.no_grad():
        yt = model(torch.from_numpy(x)).numpy()
    print(f"tiny12: logits {np.round(y[0], 4)}; |ort - torch| max {np.abs(y - yt).max():.2e}")
    np.save(os.path.join(d, "expected_input.npy"), x)
    np.save(os.path.join(d, "expected_output.npy"), y.astype(np.float32))
    labels = [{"code": c, "label": lab, "temperature": 1.0 + 0.1 * i, "operatingThreshold": 0.5}
              for i, (c, lab, _) in enumerate(CNN_LABELS)]
    write_json(os.path.join(d, "model.card.json"), card(
        "Vigil CNN detector test model (lead-selective, 12 leads)", sha256_file(path),
        {"name": "ecg", "shape": [-1, 12, 2500], "layout": "batch × lead × sample", "preprocessing": spec},
        {"name": "logits", "kind": "logits", "labels": labels},
        "Software tests of the CNN ECG detector only."))

    # --- low-ef -------------------------------------------------------------------------------
    d = os.path.join(OUT, "low-ef")
    os.makedirs(d, exist_ok=True)
    leads = ["V1", "V2", "V3", "V4", "V5", "V6", "I", "II"]
    spec = {"leads": leads, "sampleRateHz": 500, "lengthSamples": 4000, "scaling": "mV",
            "standardize": "per_lead", "pacedRhythm": "allowed", "saliencyWindowSeconds": 2.0}
    model = LowEF(len(leads))
    with torch.no_grad():  # non-trivial BatchNorm statistics so the runtime's folding is exercised
        for bn in (model.bn1, model.bn2):
            bn.running_mean.uniform_(-0.2, 0.2)
            bn.running_var.uniform_(0.5, 1.5)
    path = os.path.join(d, "model.onnx")
    export(model, path, [1, 8, 4000], "waveform", "prob")
    order = [STANDARD_LEADS.index(n) for n in leads]
    x = preprocess(record[order], 500, spec)[None]
    y = run_ort(path, "waveform", x)
    print(f"low-ef: prob {y[0]}")
    np.save(os.path.join(d, "expected_input.npy"), x)
    np.save(os.path.join(d, "expected_output.npy"), y.astype(np.float32))
    write_json(os.path.join(d, "model.card.json"), card(
        "Example hospital low-EF model (test stand-in)", sha256_file(path),
        {"name": "waveform", "shape": [-1, 8, 4000], "layout": "batch × lead × sample", "preprocessing": spec},
        {"name": "prob", "kind": "probabilities", "labels": [
            {"code": "ecg.low_ef", "label": "Low left ventricular ejection fraction", "temperature": 1.5,
             "operatingThreshold": 0.3}]},
        "Software tests of the CNN ECG detector's drop-in path only."))
    for f in sorted(os.listdir(OUT)):
        p = os.path.join(OUT, f)
        print(f, os.path.getsize(p) if os.path.isfile(p) else sorted(os.listdir(p)))


if __name__ == "__main__":
    main()
