#!/usr/bin/env python3
"""Builds Vigil's two parity test models and their reference data (seeded, deterministic).

What it makes (paths relative to the repository root):

  Models/test/ecg_resnet1d.onnx
      1-D residual CNN the size of a real 12-lead ECG classifier (~0.6 M parameters).
      input  `ecg`            float32 [batch, 12, 5000]   (10 s at 500 Hz, millivolts; dynamic batch)
      output `logits`         float32 [batch, 6]
      output `probabilities`  float32 [batch, 6]          (= Sigmoid(logits))
      Stem Conv1d(12->32, k15, s2)+BN+ReLU+MaxPool(k3, s2), four residual stages (32/64/128/128
      channels, kernel 9/9/7/7, stride 2 and a 1x1 projection shortcut in each stage's first block),
      global average pooling, Dropout (dropped by the exporter in eval mode), Linear(128->6), whose
      weights are calibrated so the logits vary by about +-1.5 between realistic inputs.
      Exported with the legacy TorchScript exporter, opset 17, do_constant_folding=False, so the
      BatchNormalization nodes stay in the graph (the runtime folds them).

  Models/test/ct_cnn2d.onnx
      Small 2-D CNN with a U-Net style skip.
      input  `image`  float32 [batch, 1, 256, 256]   (a CT slice windowed to [0, 1]; dynamic batch)
      output `score`  float32 [batch, 2]             (Softmax over 2 classes)
      Conv/BN/ReLU/MaxPool stages with a depthwise conv and a dilated conv, a nearest x2 Upsample
      (Resize) concatenated with an earlier feature map, GELU and LeakyReLU, a squeeze-and-excitation
      channel gate (mean over H, W -> Linear -> ReLU -> Linear -> Sigmoid -> unsqueeze -> Mul),
      AdaptiveAvgPool(1), Flatten, Linear, Softmax.
      Exported with the dynamo exporter (torch.export + onnxscript), opset 18, with the exporter's
      default optimisation (which folds BatchNormalization into the Conv weights, writes GELU as the
      Div/Erf/Add/Mul/Mul expansion, ReduceMean/Unsqueeze with axes as inputs, Reshape allowzero=1).

  Tests/ONNXEngineTests/Fixtures/models/<model>/test_data_set_0/   batch 1
  Tests/ONNXEngineTests/Fixtures/models/<model>/test_data_set_1/   batch 3
      input_0.pb, output_0.pb, output_1.pb ... : onnx TensorProto files named after the graph's
      inputs/outputs (the standard ONNX test-data layout; the model itself is Models/test/<model>.onnx).
      Inputs are synthetic but realistic-looking (sinus-rhythm ECG in mV with baseline wander, mains
      hum and noise; a CT-like slice with body, lungs, spine and a nodule). Outputs are computed by
      onnxruntime on CPU with all graph optimisations disabled (the plain graph is the reference);
      the script also prints the largest difference between onnxruntime and PyTorch.

  SampleData/tensors/ecg_resnet1d_input.npy, SampleData/tensors/ct_cnn2d_input.npy
      the batch-1 inputs as float32 C-order .npy files (for `vigil model run`).

Run (needs torch, onnx, onnxscript, onnxruntime, numpy; see Tools/requirements-tools.txt):

  python3 -m venv /work/venv-tools && /work/venv-tools/bin/pip install -r Tools/requirements-tools.txt
  /work/venv-tools/bin/python Tools/models/make_test_models.py

Everything is seeded (torch.manual_seed / numpy default_rng), so a rerun with the same package
versions reproduces the same weights and the same test data.
"""

from __future__ import annotations

import collections
import os
import sys
import warnings

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODELS_DIR = os.path.join(ROOT, "Models", "test")
FIXTURES_DIR = os.path.join(ROOT, "Tests", "ONNXEngineTests", "Fixtures", "models")
SAMPLES_DIR = os.path.join(ROOT, "SampleData", "tensors")

SEED = 20240611


# --------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------

class ResBlock1d(nn.Module):
    def __init__(self, cin: int, cout: int, k: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv1d(cin, cout, k, stride=stride, padding=k // 2, bias=False)
        self.bn1 = nn.BatchNorm1d(cout)
        self.conv2 = nn.Conv1d(cout, cout, k, stride=1, padding=k // 2, bias=False)
        self.bn2 = nn.BatchNorm1d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(
                nn.Conv1d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm1d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        s = x if self.shortcut is None else self.shortcut(x)
        return F.relu(y + s)


class ECGResNet1d(nn.Module):
    """12-lead ECG -> 6 findings (multi-label)."""

    def __init__(self, leads=12, classes=6, channels=(32, 64, 128, 128), kernels=(9, 9, 7, 7),
                 blocks=(2, 2, 1, 1)):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv1d(leads, channels[0], 15, stride=2, padding=7, bias=False),
            nn.BatchNorm1d(channels[0]), nn.ReLU(inplace=True),
            nn.MaxPool1d(3, stride=2, padding=1))
        layers = []
        cin = channels[0]
        for cout, k, n in zip(channels, kernels, blocks):
            for i in range(n):
                layers.append(ResBlock1d(cin, cout, k, stride=2 if i == 0 else 1))
                cin = cout
        self.stages = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool1d(1)
        self.dropout = nn.Dropout(0.2)
        self.fc = nn.Linear(cin, classes)

    def forward(self, ecg):
        x = self.stem(ecg)
        x = self.stages(x)
        x = self.pool(x).flatten(1)
        logits = self.fc(self.dropout(x))
        return logits, torch.sigmoid(logits)


class CTCNN2d(nn.Module):
    """One CT slice -> 2-class score, with one U-Net style skip."""

    def __init__(self):
        super().__init__()
        self.enc1 = nn.Sequential(                       # 256 -> 128, 16 ch
            nn.Conv2d(1, 16, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.pool1 = nn.MaxPool2d(2)                     # 128 -> 64
        self.enc2 = nn.Sequential(                       # 64, 32 ch (skip source)
            nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU())
        self.enc3 = nn.Sequential(                       # depthwise + pointwise, 64 -> 32, 64 ch
            nn.Conv2d(32, 32, 3, padding=1, groups=32, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 64, 1, bias=True), nn.BatchNorm2d(64), nn.ReLU(),
            nn.MaxPool2d(2))
        self.ctx = nn.Sequential(                        # dilated context conv, 32, 64 ch
            nn.Conv2d(64, 64, 3, padding=2, dilation=2, bias=False), nn.BatchNorm2d(64),
            nn.LeakyReLU(0.1))
        self.up = nn.Upsample(scale_factor=2, mode="nearest")   # 32 -> 64
        self.dec = nn.Sequential(                        # concat(64 up, 32 skip) = 96 -> 32
            nn.Conv2d(96, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.GELU())
        self.se_reduce = nn.Linear(32, 8)                # squeeze-and-excitation channel gate
        self.se_expand = nn.Linear(8, 32)
        self.head = nn.Sequential(                       # 64 -> 32, 32 ch
            nn.Conv2d(32, 32, 3, stride=2, padding=1, bias=True), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, 2)

    def forward(self, image):
        e1 = self.pool1(self.enc1(image))
        e2 = self.enc2(e1)
        x = self.ctx(self.enc3(e2))
        x = torch.cat([self.up(x), e2], dim=1)
        x = self.dec(x)
        gate = torch.sigmoid(self.se_expand(F.relu(self.se_reduce(x.mean(dim=(2, 3))))))
        x = x * gate.unsqueeze(-1).unsqueeze(-1)
        x = self.head(x)
        x = torch.flatten(self.pool(x), 1)
        return torch.softmax(self.fc(x), dim=1)


def randomise_batchnorm(model: nn.Module, gen: torch.Generator) -> None:
    """Non-trivial affine parameters (the defaults 1/0 would hide scale/bias mistakes)."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.weight.copy_(0.5 + torch.rand(m.weight.shape, generator=gen))
                m.bias.copy_(0.1 * torch.randn(m.bias.shape, generator=gen))


def calibrate_head(model: nn.Module, fc: nn.Linear, batches, logit_std: float = 1.5,
                   max_gain: float = 10.0) -> None:
    """Scales the last Linear (features measured in eval mode on `batches`) so that the logits vary
    between inputs, by up to about `logit_std`. With random weights the globally pooled features barely
    change from one input to the next, and near-constant outputs would make a weak parity test.

    The gain is capped at `max_gain`: standardising features whose spread is a thousandth of their
    mean would make the head cancel large terms, so that float32 rounding of any runtime (onnxruntime
    included) is amplified a thousandfold at the output. A parity test of 1e-4 needs a well-conditioned
    model, not one that measures rounding luck."""
    feats = []
    hook = fc.register_forward_hook(lambda m, inp, out: feats.append(inp[0].detach()))
    model.eval()
    with torch.no_grad():
        for x in batches:
            model(x)
    hook.remove()
    f = torch.cat(feats)
    mean = f.mean(0)
    # Bound the per-feature amplification: the effective spread is never below |mean| / max_gain.
    spread = torch.maximum(f.std(0), mean.abs() / max_gain).clamp_min(1e-6)
    with torch.no_grad():
        w = fc.weight / spread
        b = fc.bias - w @ mean
        s = min(logit_std / float((f @ w.T + b).std(0).mean()), max_gain)
        fc.weight.copy_(w * s)
        fc.bias.copy_(b * s)


def calibrate_batchnorm(model: nn.Module, batches) -> None:
    """A few training-mode forward passes so running_mean/var move away from 0/1."""
    model.train()
    with torch.no_grad():
        for x in batches:
            model(x)
    model.eval()


# --------------------------------------------------------------------------------------------
# Synthetic inputs
# --------------------------------------------------------------------------------------------

# per lead: (P, Q, R, S, T) amplitude multipliers (mV), roughly like a normal 12-lead ECG
_LEADS = {
    "I":   (0.10, -0.05, 0.60, -0.10, 0.20),
    "II":  (0.15, -0.08, 1.10, -0.20, 0.30),
    "III": (0.05, -0.05, 0.50, -0.15, 0.10),
    "aVR": (-0.12, 0.05, -0.80, 0.15, -0.25),
    "aVL": (0.05, -0.03, 0.30, -0.10, 0.05),
    "aVF": (0.10, -0.06, 0.80, -0.18, 0.20),
    "V1":  (0.08, 0.00, 0.30, -1.00, -0.10),
    "V2":  (0.08, 0.00, 0.50, -1.30, 0.35),
    "V3":  (0.08, -0.05, 0.90, -0.80, 0.40),
    "V4":  (0.10, -0.08, 1.40, -0.50, 0.40),
    "V5":  (0.10, -0.08, 1.30, -0.25, 0.30),
    "V6":  (0.10, -0.06, 1.00, -0.10, 0.25),
}
# (offset s relative to R, width s) of the P, Q, R, S, T waves
_WAVES = ((-0.20, 0.025), (-0.035, 0.010), (0.0, 0.012), (0.035, 0.012), (0.30, 0.050))


def synthetic_ecg(rng: np.random.Generator, heart_rate_bpm: float, fs: int = 500,
                  seconds: float = 10.0) -> np.ndarray:
    """A sinus-rhythm-like 12-lead ECG in mV, shape [12, fs*seconds]."""
    n = int(fs * seconds)
    t = np.arange(n) / fs
    rr = 60.0 / heart_rate_bpm
    peaks = []
    r = rng.uniform(0.1, 0.6)
    while r < seconds + 0.5:
        peaks.append(r)
        r += rr * (1.0 + 0.03 * rng.standard_normal())   # mild heart-rate variability
    peaks = np.array(peaks)
    sig = np.zeros((12, n))
    amp_jitter = 1.0 + 0.05 * rng.standard_normal((12, 1))
    for li, (lead, amps) in enumerate(_LEADS.items()):
        for a, (off, w) in zip(amps, _WAVES):
            d = t[None, :] - (peaks[:, None] + off)
            sig[li] += a * np.exp(-0.5 * (d / w) ** 2).sum(axis=0)
    sig *= amp_jitter
    wander = 0.08 * np.sin(2 * np.pi * rng.uniform(0.15, 0.35) * t + rng.uniform(0, 2 * np.pi))
    hum = 0.01 * np.sin(2 * np.pi * 50.0 * t + rng.uniform(0, 2 * np.pi))
    noise = 0.02 * rng.standard_normal((12, n))
    sig += wander[None, :] * rng.uniform(0.5, 1.5, (12, 1)) + hum[None, :] + noise
    return sig.astype(np.float32)


def synthetic_ct(rng: np.random.Generator, size: int = 256) -> np.ndarray:
    """A CT-slice-like image: HU phantom windowed to [0, 1], shape [1, size, size]."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    yy = (yy - size / 2) / (size / 2)
    xx = (xx - size / 2) / (size / 2)

    def ellipse(cy, cx, ry, rx):
        return ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2 <= 1.0

    hu = np.full((size, size), -1000.0)                              # air
    hu[ellipse(0.05, 0.0, 0.70 + 0.05 * rng.random(), 0.90)] = 40.0   # soft tissue
    lung_ry = 0.45 + 0.05 * rng.random()
    hu[ellipse(-0.05, -0.42, lung_ry, 0.30)] = -850.0                 # lungs
    hu[ellipse(-0.05, 0.42, lung_ry, 0.30)] = -850.0
    hu[ellipse(0.55, 0.0, 0.12, 0.12)] = 700.0                        # vertebra
    hu[ellipse(0.0, 0.0, 0.18, 0.15)] = 50.0                          # mediastinum / heart
    side = rng.choice([-1.0, 1.0])
    cy, cx = rng.uniform(-0.3, 0.2), side * rng.uniform(0.3, 0.5)
    r = rng.uniform(0.03, 0.08)
    hu[ellipse(cy, cx, r, r)] = 30.0                                  # nodule
    hu += 20.0 * rng.standard_normal(hu.shape)                        # quantum noise
    img = np.clip((hu + 1000.0) / 1400.0, 0.0, 1.0)                   # window [-1000, 400] HU
    return img[None].astype(np.float32)


# --------------------------------------------------------------------------------------------
# Export, check, reference data
# --------------------------------------------------------------------------------------------

def op_histogram(model: onnx.ModelProto) -> collections.Counter:
    return collections.Counter(n.op_type for n in model.graph.node)


def ort_run(path: str, feeds: dict, optimise: bool = False) -> list:
    so = ort.SessionOptions()
    so.graph_optimization_level = (ort.GraphOptimizationLevel.ORT_ENABLE_ALL if optimise
                                   else ort.GraphOptimizationLevel.ORT_DISABLE_ALL)
    so.intra_op_num_threads = 1
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    return sess.run(None, feeds)


def write_test_set(dirpath: str, model: onnx.ModelProto, inputs: list, outputs: list) -> None:
    os.makedirs(dirpath, exist_ok=True)
    for f in os.listdir(dirpath):
        if f.endswith(".pb"):
            os.remove(os.path.join(dirpath, f))
    graph_inputs = [i.name for i in model.graph.input
                    if i.name not in {t.name for t in model.graph.initializer}]
    for i, (name, arr) in enumerate(zip(graph_inputs, inputs)):
        with open(os.path.join(dirpath, f"input_{i}.pb"), "wb") as fh:
            fh.write(numpy_helper.from_array(np.ascontiguousarray(arr), name).SerializeToString())
    for i, (out, arr) in enumerate(zip(model.graph.output, outputs)):
        with open(os.path.join(dirpath, f"output_{i}.pb"), "wb") as fh:
            fh.write(numpy_helper.from_array(np.ascontiguousarray(arr), out.name).SerializeToString())


def strip_debug_info(path: str) -> None:
    """Drops the exporters' per-node debug info (stack traces with absolute file paths and line
    numbers of this script, FX node dumps), which would make the file depend on where and from
    which revision of this script it was made. The graph itself is untouched."""
    model = onnx.load(path)
    for graph_node in model.graph.node:
        graph_node.doc_string = ""
        del graph_node.metadata_props[:]
    for vi in list(model.graph.value_info) + list(model.graph.input) + list(model.graph.output):
        vi.doc_string = ""
        del vi.metadata_props[:]
    for t in model.graph.initializer:
        del t.metadata_props[:]
    del model.graph.metadata_props[:]
    onnx.save(model, path)


def check_and_report(path: str) -> onnx.ModelProto:
    strip_debug_info(path)
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    n_params = sum(int(np.prod(t.dims)) for t in model.graph.initializer)
    hist = op_histogram(model)
    print(f"{os.path.relpath(path, ROOT)}: {os.path.getsize(path)} bytes, opset "
          f"{[(o.domain or 'ai.onnx', o.version) for o in model.opset_import]}, IR {model.ir_version}, "
          f"{n_params} initializer elements, {len(model.graph.node)} nodes")
    print("  inputs :", [(i.name, [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim])
                         for i in model.graph.input])
    print("  outputs:", [(o.name, [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim])
                         for o in model.graph.output])
    print("  ops    :", dict(sorted(hist.items(), key=lambda kv: (-kv[1], kv[0]))))
    return model


def reference(name: str, path: str, torch_model: nn.Module, sets: list) -> None:
    model = onnx.load(path)
    input_name = model.graph.input[0].name
    for k, x in enumerate(sets):
        outs = ort_run(path, {input_name: x})
        with torch.no_grad():
            t_outs = torch_model(torch.from_numpy(x))
        if isinstance(t_outs, torch.Tensor):
            t_outs = (t_outs,)
        diffs = [float(np.max(np.abs(o - t.numpy()))) for o, t in zip(outs, t_outs)]
        # ORT with its own fusions (BN folded into Conv, ...) hints at the tolerance a runtime needs
        opt = ort_run(path, {input_name: x}, optimise=True)
        odiffs = [float(np.max(np.abs(o - p))) for o, p in zip(outs, opt)]
        print(f"  {name} test_data_set_{k}: batch {x.shape[0]}, max |ORT - PyTorch|: "
              + ", ".join(f"{o.name}={d:.3g}" for o, d in zip(model.graph.output, diffs))
              + "; max |ORT(ENABLE_ALL) - ORT(DISABLE_ALL)|: "
              + ", ".join(f"{o.name}={d:.3g}" for o, d in zip(model.graph.output, odiffs)))
        for o, arr in zip(model.graph.output, outs):
            print(f"    {o.name}: {np.array2string(arr, precision=4, max_line_width=120)}")
        write_test_set(os.path.join(FIXTURES_DIR, name, f"test_data_set_{k}"), model, [x], outs)


def export_ecg() -> None:
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED + 1)
    rng = np.random.default_rng(SEED + 2)
    model = ECGResNet1d()
    randomise_batchnorm(model, gen)
    calib = [torch.from_numpy(np.stack([synthetic_ecg(rng, rng.uniform(50, 110)) for _ in range(4)]))
             + 0.1 * torch.randn(4, 12, 5000, generator=gen) for _ in range(6)]
    calibrate_batchnorm(model, calib)
    clean = [torch.from_numpy(np.stack([synthetic_ecg(rng, rng.uniform(50, 110)) for _ in range(8)]))
             for _ in range(4)]
    calibrate_head(model, model.fc, clean)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"ecg_resnet1d: {n_params} parameters")

    path = os.path.join(MODELS_DIR, "ecg_resnet1d.onnx")
    dummy = torch.zeros(1, 12, 5000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (dummy,), path, dynamo=False, opset_version=17,
                          input_names=["ecg"], output_names=["logits", "probabilities"],
                          dynamic_axes={"ecg": {0: "batch"}, "logits": {0: "batch"},
                                        "probabilities": {0: "batch"}},
                          do_constant_folding=False, export_params=True)
    check_and_report(path)

    rng = np.random.default_rng(SEED + 3)
    x1 = synthetic_ecg(rng, 72.0)[None]
    x3 = np.stack([synthetic_ecg(rng, hr) for hr in (58.0, 85.0, 104.0)])
    os.makedirs(SAMPLES_DIR, exist_ok=True)
    np.save(os.path.join(SAMPLES_DIR, "ecg_resnet1d_input.npy"), np.ascontiguousarray(x1))
    reference("ecg_resnet1d", path, model, [x1, x3])


def export_ct() -> None:
    torch.manual_seed(SEED + 10)
    gen = torch.Generator().manual_seed(SEED + 11)
    rng = np.random.default_rng(SEED + 12)
    model = CTCNN2d()
    randomise_batchnorm(model, gen)
    calib = [torch.from_numpy(np.stack([synthetic_ct(rng) for _ in range(4)]))
             + 0.05 * torch.randn(4, 1, 256, 256, generator=gen) for _ in range(6)]
    calibrate_batchnorm(model, calib)
    clean = [torch.from_numpy(np.stack([synthetic_ct(rng) for _ in range(8)])) for _ in range(4)]
    calibrate_head(model, model.fc, clean)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"ct_cnn2d: {n_params} parameters")

    path = os.path.join(MODELS_DIR, "ct_cnn2d.onnx")
    dummy = torch.zeros(2, 1, 256, 256)
    exporter = "dynamo"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            batch = torch.export.Dim("batch", min=1, max=1024)
            prog = torch.onnx.export(model, (dummy,), dynamo=True, opset_version=18,
                                     input_names=["image"], output_names=["score"],
                                     dynamic_shapes={"image": {0: batch}}, external_data=False,
                                     verbose=False)
            prog.save(path, external_data=False)
    except Exception as e:  # pragma: no cover - fallback path
        print(f"ct_cnn2d: dynamo export failed ({type(e).__name__}: {e}); using the legacy exporter",
              file=sys.stderr)
        exporter = "legacy"
        torch.onnx.export(model, (dummy,), path, dynamo=False, opset_version=18,
                          input_names=["image"], output_names=["score"],
                          dynamic_axes={"image": {0: "batch"}, "score": {0: "batch"}})
    print(f"ct_cnn2d: exported with the {exporter} exporter")
    check_and_report(path)

    rng = np.random.default_rng(SEED + 13)
    x1 = synthetic_ct(rng)[None]
    x3 = np.stack([synthetic_ct(rng) for _ in range(3)])
    os.makedirs(SAMPLES_DIR, exist_ok=True)
    np.save(os.path.join(SAMPLES_DIR, "ct_cnn2d_input.npy"), np.ascontiguousarray(x1))
    reference("ct_cnn2d", path, model, [x1, x3])


def main() -> None:
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    os.makedirs(MODELS_DIR, exist_ok=True)
    print(f"torch {torch.__version__}, onnx {onnx.__version__}, onnxruntime {ort.__version__}, "
          f"numpy {np.__version__}")
    export_ecg()
    export_ct()


if __name__ == "__main__":
    main()
