#!/usr/bin/env python3
"""Export openvital 0.2.1's rhythm model (PyPI wheel, MIT licence, VitalDB group) to ONNX: the real-data
peer that `ecg-af` is compared with.

The model (filters/model_rhythm.h5, Keras 2) reads 10 s of one lead (lead II) at 100 Hz, min-subtracted
(x - min(x) per window, millivolts, no scaling), shape [N, 1000, 1], and returns softmax probabilities over
sinus rhythm / atrial fibrillation / other / noise (openvital/filters/ecg_classifier.py).

    KERAS_BACKEND=torch /work/venv-tools/bin/python Tools/ecg/real/export_openvital_peer.py --out /tmp/peer

writes `model.onnx` (input `ecg` [N, 1000, 1], output `probabilities` [N, 4]) and `export.json` (sha256 of the
h5 and the onnx, max |onnxruntime - keras| on random and ECG-like inputs). The ONNX file is not committed:
it is the wheel's model, rebuilt from the wheel on demand (Tools/ecg/real/README.md).
"""
import argparse
import hashlib
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    import keras
    import onnx
    import onnxruntime as ort
    import openvital.filters as filters
    from importlib.metadata import version

    h5 = os.path.join(os.path.dirname(filters.__file__), "model_rhythm.h5")
    os.makedirs(args.out, exist_ok=True)
    model = keras.models.load_model(h5, compile=False)
    rng = np.random.default_rng(7)
    x = rng.normal(0, 0.3, (4, 1000, 1)).astype(np.float32)
    x -= x.min(axis=1, keepdims=True)
    ref = np.asarray(model(x).detach().cpu().numpy())
    raw = os.path.join(args.out, "model.raw.onnx")
    model.export(raw, format="onnx")
    m = onnx.load(raw)
    # Name the graph's input and output plainly; Vigil's engine addresses tensors by name.
    old_in, old_out = m.graph.input[0].name, m.graph.output[0].name
    for node in m.graph.node:
        node.input[:] = ["ecg" if n == old_in else n for n in node.input]
        node.output[:] = ["probabilities" if n == old_out else n for n in node.output]
    m.graph.input[0].name = "ecg"
    m.graph.output[0].name = "probabilities"
    onnx.checker.check_model(m)
    out = os.path.join(args.out, "model.onnx")
    onnx.save(m, out)
    os.remove(raw)
    sess = ort.InferenceSession(out, providers=["CPUExecutionProvider"])
    got = sess.run(None, {"ecg": x})[0]
    diff = float(np.max(np.abs(got - ref)))
    info = {
        "source": f"openvital {version('openvital')} (PyPI, MIT licence), filters/model_rhythm.h5",
        "h5_sha256": sha256(h5),
        "onnx_sha256": sha256(out),
        "parameters": int(model.count_params()),
        "input": {"name": "ecg", "shape": ["N", 1000, 1], "preprocessing": "one lead (lead II), 100 Hz, 10 s, mV, x - min(x) per window"},
        "output": {"name": "probabilities", "labels": ["sinus_rhythm", "atrial_fibrillation", "other", "noise"]},
        "max_abs_diff_onnxruntime_vs_keras": diff,
        "opset": [(o.domain or "ai.onnx", o.version) for o in m.opset_import],
    }
    with open(os.path.join(args.out, "export.json"), "w") as f:
        json.dump(info, f, indent=2)
    print(json.dumps(info, indent=2))
    if diff > 1e-4:
        sys.exit(f"onnxruntime differs from keras by {diff}")


if __name__ == "__main__":
    main()
