"""Shared pieces of the ECG CNN tools: the model-input preprocessing that the Swift detector
(`Sources/ECGDetectors/CNNModelInput.swift`) implements, and model-card helpers.

The preprocessing is driven by the model card's `io.inputs[0].preprocessing` keys:

  leads             list of standard lead names, in the model's input order
  sampleRateHz      the model's sampling rate (integer Hz); records are resampled with
                    scipy.signal.resample_poly (Kaiser beta 5, scipy's defaults)
  lengthSamples     samples per lead the model reads; longer records are centre-cropped
                    (start = (n - length) // 2 after resampling), shorter ones are refused
  scaling           "mV" (the only unit the detector feeds)
  bandPassHz        [low, high] or absent: Butterworth band-pass, filtfilt (scipy defaults)
  bandPassOrder     order per edge (default 2)
  mainsNotchHz      50 or 60 or absent: scipy.signal.iirnotch(Q = 30), filtfilt
  standardize       "none" or "per_lead": (x - mean) / max(std, 0.001) per lead over the crop
  pacedRhythm       "outside_intended_use" or "allowed"

Order: resample the whole record, notch, band-pass, crop, standardise (the same order as Swift).
"""

from __future__ import annotations

import hashlib
import json
import math
from fractions import Fraction

import numpy as np
from scipy import signal

STANDARD_LEADS = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]


def preprocess(x: np.ndarray, fs_in: int, spec: dict) -> np.ndarray:
    """x: [leads, samples] in mV at fs_in Hz, leads already in spec['leads'] order.
    Returns float32 [leads, lengthSamples]."""
    x = np.asarray(x, dtype=np.float64)
    fs = int(spec["sampleRateHz"])
    if fs != fs_in:
        r = Fraction(fs, fs_in)
        x = signal.resample_poly(x, r.numerator, r.denominator, axis=1)
    notch = spec.get("mainsNotchHz")
    if notch is not None:
        b, a = signal.iirnotch(float(notch), 30.0, fs=fs)
        x = signal.filtfilt(b, a, x, axis=1)
    band = spec.get("bandPassHz")
    if band is not None:
        order = int(spec.get("bandPassOrder", 2))
        b, a = signal.butter(order, [float(band[0]), float(band[1])], btype="bandpass", fs=fs)
        x = signal.filtfilt(b, a, x, axis=1)
    length = int(spec["lengthSamples"])
    n = x.shape[1]
    if n < length:
        raise ValueError(f"record has {n} samples at {fs} Hz, the model needs {length}")
    start = (n - length) // 2
    x = x[:, start:start + length]
    if spec.get("standardize", "none") == "per_lead":
        mean = x.mean(axis=1, keepdims=True)
        std = x.std(axis=1, keepdims=True)
        x = (x - mean) / np.maximum(std, 0.001)
    return x.astype(np.float32)


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_json(path: str, obj) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False, sort_keys=False)
        f.write("\n")


def synthetic_record(rng: np.random.Generator, fs: int, seconds: float, hr: float = 70.0,
                     noise_mv: float = 0.01) -> np.ndarray:
    """A simple sum-of-Gaussians 12-lead sinus ECG in mV, [12, fs*seconds] float32, used only for
    detector test fixtures (the training data comes from `vigil synth ecg`). Limb leads obey
    Einthoven/Goldberger relations (III = II - I, aVR = -(I+II)/2, aVL = I - II/2, aVF = II - I/2)."""
    n = int(round(fs * seconds))
    t = np.arange(n) / fs
    rr = 60.0 / hr
    beats = np.arange(0.35, seconds - 0.3, rr) + rng.normal(0, 0.01, size=len(np.arange(0.35, seconds - 0.3, rr)))

    def wave(amp, centre, width):
        out = np.zeros(n)
        for b in beats:
            out += amp * np.exp(-0.5 * ((t - (b + centre)) / width) ** 2)
        return out

    def lead(p, q, r, s, tw):
        return (wave(p, -0.16, 0.025) + wave(q, -0.025, 0.008) + wave(r, 0.0, 0.010)
                + wave(s, 0.025, 0.010) + wave(tw, 0.28, 0.045))

    lead_i = lead(0.10, -0.05, 0.8, -0.10, 0.20)
    lead_ii = lead(0.15, -0.08, 1.2, -0.15, 0.30)
    precordial = [
        lead(0.05, 0.0, 0.25, -0.9, -0.05),
        lead(0.08, 0.0, 0.45, -1.2, 0.25),
        lead(0.08, -0.03, 0.8, -0.8, 0.35),
        lead(0.08, -0.05, 1.3, -0.5, 0.40),
        lead(0.08, -0.08, 1.4, -0.25, 0.35),
        lead(0.08, -0.08, 1.1, -0.10, 0.30),
    ]
    wander = 0.05 * np.sin(2 * math.pi * 0.25 * t + rng.uniform(0, 2 * math.pi))
    lead_i = lead_i + wander + rng.normal(0, noise_mv, n)
    lead_ii = lead_ii + 0.8 * wander + rng.normal(0, noise_mv, n)
    limb = [lead_i, lead_ii, lead_ii - lead_i, -(lead_i + lead_ii) / 2, lead_i - lead_ii / 2,
            lead_ii - lead_i / 2]
    pre = [v + wander + rng.normal(0, noise_mv, n) for v in precordial]
    return np.stack(limb + pre).astype(np.float32)
