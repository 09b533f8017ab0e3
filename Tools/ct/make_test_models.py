#!/usr/bin/env python3
"""Builds the tiny test model pairs of the pancreatic CT detector (deterministic, no training).

These models have NO clinical meaning. They are hand-set formulas exported to ONNX so that the
detector's tests (Tests/CTDetectorTests) do not depend on the shipped, trained models and give the
same answer on every machine. They follow the contract in docs/ct-models.md.

Windowed intensity v = clip((HU - (C - W/2)) / W, 0, 1) with the card's window (C 40, W 400 here).

  localizer: "organ" = HU in [190, 230]
      pancreas_logits = 200 * min(v - v(190), v(230) - v)       (> 0 inside the band)
  lesion: "lesion" = HU in [10, 50] on the centre channel (index 1)
      lesion_mask_logits = 200 * min(v - v(10), v(50) - v)
      lesion_logit       = 400 * mean(sigmoid(lesion_mask_logits)) - 2
  So a crop whose centre slice has about 1.2 % of its area at 10-50 HU scores about +3, a crop without
  any scores about -2.

What it makes, under Tests/CTDetectorTests/Fixtures/models/:

  std/localizer, std/lesion     the contract sizes: 128 x 128 at 3.2 mm; 96 x 96 at 1.0 mm, 2.5 mm z
  small/localizer, small/lesion a "hospital's own pair" with other sizes, spacings and tensor names:
                                64 x 64 at 6.4 mm; 48 x 48 at 2.0 mm, 3.0 mm z, window C 60 W 360
  each folder: model.onnx + model.card.json (intendedUseChecks on the lesion input)

Run:  /work/venv-tools/bin/python Tools/ct/make_test_models.py
"""

from __future__ import annotations

import hashlib
import json
import os

import torch
from torch import nn

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "Tests", "CTDetectorTests", "Fixtures", "models")


def windowed(hu: float, center: float, width: float) -> float:
    return (hu - (center - width / 2)) / width


class BandLocalizer(nn.Module):
    """Positive logits where the windowed value lies inside [lo, hi]."""

    def __init__(self, lo: float, hi: float):
        super().__init__()
        self.lo, self.hi = lo, hi

    def forward(self, x):
        return torch.minimum(x - self.lo, self.hi - x) * 200.0


class BandLesionScorer(nn.Module):
    """Mask = band on the centre channel; logit = 400 * mean(sigmoid(mask)) - 2."""

    def __init__(self, lo: float, hi: float):
        super().__init__()
        self.lo, self.hi = lo, hi

    def forward(self, x):
        centre = x[:, 1:2, :, :]
        mask = torch.minimum(centre - self.lo, self.hi - centre) * 200.0
        frac = torch.sigmoid(mask).mean(dim=(2, 3))
        return frac * 400.0 - 2.0, mask


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def write_json(path: str, obj: dict) -> None:
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")


def export(model: nn.Module, path: str, shape: list[int], in_name: str, out_names: list[str]) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    model.eval()
    torch.onnx.export(model, (torch.zeros(*shape),), path, dynamo=False, opset_version=17,
                      input_names=[in_name], output_names=out_names,
                      dynamic_axes={in_name: {0: "batch"}, **{o: {0: "batch"} for o in out_names}},
                      do_constant_folding=False, export_params=True)


def card(name: str, sha: str, inputs: list[dict], outputs: list[dict]) -> dict:
    return {
        "schemaVersion": 1,
        "name": name,
        "version": "0.0.1-test",
        "weightsFile": "model.onnx",
        "weightsSHA256": sha,
        "intendedUse": "Test model for Vigil's CT detector tests only: a fixed formula on HU bands, no learning.",
        "notForUse": ["Any clinical or research use", "Any real patient data"],
        "trainingData": {"description": "None: hand-set formula (Tools/ct/make_test_models.py).",
                         "synthetic": True, "source": "Tools/ct/make_test_models.py"},
        "evaluation": [{"dataset": {"name": "none (formula, checked by the unit tests)", "size": 1,
                                    "synthetic": True, "source": "Tests/CTDetectorTests"},
                        "metrics": [{"name": "not evaluated", "value": 0}]}],
        "limitations": ["Marks HU bands; it knows nothing about anatomy or disease."],
        "references": ["docs/ct-models.md"],
        "io": {"inputs": inputs, "outputs": outputs},
    }


def intended_use_checks() -> dict:
    return {
        "modalities": ["CT"],
        "bodyParts": ["ABDOMEN", "PANCREAS", "ABDOMENPELVIS", "CHESTABDOMENPELVIS", "CHEST_ABDOMEN_PELVIS",
                      "ABDOMEN_PELVIS", "CHESTABDOMEN", "TRUNK", "WHOLEBODY"],
        "sliceThicknessMM": {"min": 0.5, "max": 5.0},
        "contrastRequired": True,
    }


def make_pair(tag: str, loc_size: int, loc_mm: float, crop: int, crop_mm: float, slice_mm: float,
              center: float, width: float, names: dict) -> None:
    w = lambda hu: windowed(hu, center, width)  # noqa: E731
    loc_path = os.path.join(OUT, tag, "localizer", "model.onnx")
    export(BandLocalizer(w(190), w(230)), loc_path, [1, 1, loc_size, loc_size], names["loc_in"], [names["loc_out"]])
    write_json(os.path.join(OUT, tag, "localizer", "model.card.json"), card(
        f"CT detector test localiser ({tag})", sha256_file(loc_path),
        [{"name": names["loc_in"], "shape": [-1, 1, loc_size, loc_size],
          "layout": "batch x channel x row x column (axial slice)",
          "preprocessing": {"pixelSpacingMM": loc_mm, "padHU": -1000, "windowCenterHU": center,
                            "windowWidthHU": width, "minMaskPixels": 4}}],
        [{"name": names["loc_out"], "kind": "mask_logits",
          "labels": [{"code": "pancreas", "label": "Pancreas (test band 190-230 HU)", "temperature": 1,
                      "operatingThreshold": 0.5}]}]))

    les_path = os.path.join(OUT, tag, "lesion", "model.onnx")
    export(BandLesionScorer(w(10), w(50)), les_path, [1, 3, crop, crop], names["les_in"],
           [names["les_logit"], names["les_mask"]])
    write_json(os.path.join(OUT, tag, "lesion", "model.card.json"), card(
        f"CT detector test lesion scorer ({tag})", sha256_file(les_path),
        [{"name": names["les_in"], "shape": [-1, 3, crop, crop],
          "layout": "batch x slice (below, centre, above) x row x column",
          "preprocessing": {"pixelSpacingMM": crop_mm, "sliceSpacingMM": slice_mm, "padHU": -1000,
                            "windowCenterHU": center, "windowWidthHU": width, "cropSizeMM": crop * crop_mm,
                            "aggregationWindow": 3, "intendedUseChecks": intended_use_checks()}}],
        [{"name": names["les_logit"], "kind": "logits",
          "labels": [{"code": "ct.pancreas.lesion_suspected", "label": "Pancreatic lesion suspected",
                      "temperature": 2.0, "operatingThreshold": 0.5}]},
         {"name": names["les_mask"], "kind": "mask_logits",
          "labels": [{"code": "lesion", "label": "Lesion (test band 10-50 HU)", "temperature": 1,
                      "operatingThreshold": 0.5}]}]))


def main() -> None:
    torch.manual_seed(0)
    make_pair("std", 128, 3.2, 96, 1.0, 2.5, 40, 400,
              {"loc_in": "ct", "loc_out": "pancreas_logits", "les_in": "crop",
               "les_logit": "lesion_logit", "les_mask": "lesion_mask_logits"})
    make_pair("small", 64, 6.4, 48, 2.0, 3.0, 60, 360,
              {"loc_in": "slice", "loc_out": "organ_mask", "les_in": "patch",
               "les_logit": "score", "les_mask": "seg"})
    total = 0
    for d, _, files in os.walk(OUT):
        for f in files:
            total += os.path.getsize(os.path.join(d, f))
    print(f"wrote test model pairs under {OUT} ({total} bytes)")


if __name__ == "__main__":
    main()
