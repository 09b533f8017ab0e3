#!/usr/bin/env python3
"""Writes the scipy reference for the shipped model's preprocessing (500 -> 100 Hz path):
Tests/ECGDetectorsTests/Fixtures/cnn/shipped/record_input.npy = cnn_common.preprocess(record_500hz.npy)
with the preprocessing keys read from Models/ecg-cnn/model.card.json, float32 [1, 12, 1000].

Run:  /work/venv-tools/bin/python Tools/ecg/make_cnn_shipped_input_fixture.py
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cnn_common import STANDARD_LEADS, preprocess  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIX = os.path.join(ROOT, "Tests", "ECGDetectorsTests", "Fixtures", "cnn")

with open(os.path.join(ROOT, "Models", "ecg-cnn", "model.card.json"), encoding="utf-8") as f:
    spec = json.load(f)["io"]["inputs"][0]["preprocessing"]
record = np.load(os.path.join(FIX, "record_500hz.npy"))
order = [STANDARD_LEADS.index(n) for n in spec["leads"]]
x = preprocess(record[order], 500, spec)[None]
np.save(os.path.join(FIX, "shipped", "record_input.npy"), x)
print(f"record_input.npy {x.shape}, range {x.min():.3f}..{x.max():.3f} mV")
