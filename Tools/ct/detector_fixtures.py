#!/usr/bin/env python3
"""Reference values for the CT detector's numerical steps, computed independently with numpy/scipy.

Writes Tests/CTDetectorTests/Fixtures/reference.json with:

  volume        a small float32 HU volume (3 slices x 24 rows x 30 columns, uneven slice positions,
                anisotropic pixels), seeded random values
  samples       resampling + windowing cases: for each, the grid parameters (z in mm, centre in source
                pixel coordinates, output rows/columns, spacing, pad HU, window) and the expected
                windowed output, computed as
                  scipy.ndimage.map_coordinates(slice, coords, order=1, mode='constant', cval=pad)
                per source slice, linear interpolation along z between the two slices around z (nearest
                slice beyond the ends), then clip((v - (C - W/2)) / W, 0, 1)
  aggregation   scores, window, and the maximum over windows of the window mean (numpy convolve)
  regions       binary masks and the longest axis of their largest 4-connected component
                (scipy.ndimage.label; longest pixel-centre distance by brute force, plus one pixel)

Tolerance used by the tests: 1e-5 absolute for sampling (float32 arithmetic in Swift), 1e-9 for the
aggregation, exact for the regions.

Run:  /work/venv-tools/bin/python Tools/ct/detector_fixtures.py
"""

from __future__ import annotations

import json
import os

import numpy as np
from scipy import ndimage

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "Tests", "CTDetectorTests", "Fixtures", "reference.json")

ROW_MM, COL_MM = 0.8, 0.65
POSITIONS = [-10.0, -7.5, -2.5]


def sample_plane(vol, z, center_r, center_c, rows, cols, spacing, pad, wc, ww):
    pos = np.array(POSITIONS)
    if z <= pos[0]:
        s0, s1, w = 0, 0, 0.0
    elif z >= pos[-1]:
        s0, s1, w = len(pos) - 1, len(pos) - 1, 0.0
    else:
        s1 = int(np.searchsorted(pos, z, side="right"))
        s0 = s1 - 1
        w = (z - pos[s0]) / (pos[s1] - pos[s0])
    rr = center_r + (np.arange(rows) - (rows - 1) / 2) * spacing / ROW_MM
    cc = center_c + (np.arange(cols) - (cols - 1) / 2) * spacing / COL_MM
    grid_r, grid_c = np.meshgrid(rr, cc, indexing="ij")
    coords = np.stack([grid_r, grid_c])

    def one(s):
        return ndimage.map_coordinates(vol[s].astype(np.float64), coords, order=1, mode="constant", cval=pad)

    hu = one(s0) if s0 == s1 else one(s0) * (1 - w) + one(s1) * w
    lo = wc - ww / 2
    return np.clip((hu - lo) / ww, 0, 1)


def longest_axis(mask):
    labels, n = ndimage.label(mask, structure=[[0, 1, 0], [1, 1, 1], [0, 1, 0]])
    if n == 0:
        return None
    sizes = ndimage.sum(mask, labels, index=range(1, n + 1))
    biggest = int(np.argmax(sizes)) + 1
    pts = np.argwhere(labels == biggest).astype(np.float64)
    d = np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(-1)).max()
    return float(d + 1), int(sizes[biggest - 1])


def main() -> None:
    rng = np.random.default_rng(6)
    vol = rng.uniform(-300, 400, size=(3, 24, 30)).astype(np.float32)
    cases = [
        # stage-1 style: image centre, coarser grid reaching beyond the image (padding)
        dict(z=-7.5, center_r=11.5, center_c=14.5, rows=16, cols=16, spacing=1.6, pad=-1000.0, wc=40.0, ww=400.0),
        # stage-2 style: off-centre, between slices, fine grid
        dict(z=-5.0, center_r=9.3, center_c=17.8, rows=12, cols=10, spacing=0.5, pad=-1000.0, wc=40.0, ww=400.0),
        # below the first slice (nearest slice), other window
        dict(z=-12.5, center_r=3.0, center_c=4.0, rows=9, cols=9, spacing=1.0, pad=-500.0, wc=60.0, ww=360.0),
        # above the last slice
        dict(z=0.0, center_r=20.0, center_c=25.0, rows=8, cols=8, spacing=1.3, pad=-1000.0, wc=40.0, ww=400.0),
    ]
    samples = []
    for c in cases:
        out = sample_plane(vol, **c)
        samples.append({**c, "expected": [float(x) for x in out.astype(np.float64).ravel()]})

    scores = rng.normal(0, 2, size=11)
    aggregation = []
    for w in (1, 3, 5, 20):
        ww = min(w, len(scores))
        means = np.convolve(scores, np.ones(ww) / ww, mode="valid")
        aggregation.append({"window": w, "expected": float(means.max()), "start": int(np.argmax(means))})

    regions = []
    yy, xx = np.mgrid[0:20, 0:24]
    masks = [
        ((yy - 8) ** 2 / 25 + (xx - 10) ** 2 / 49) <= 1,                    # ellipse
        (((yy - 4) ** 2 + (xx - 4) ** 2) <= 4) | (((yy - 14) ** 2 + (xx - 17) ** 2) <= 16),  # two blobs
        np.zeros((20, 24), dtype=bool),
        rng.uniform(size=(20, 24)) > 0.7,                                   # speckle
    ]
    for m in masks:
        la = longest_axis(m)
        regions.append({"rows": 20, "columns": 24, "mask": [int(v) for v in m.ravel()],
                        "longestAxisPixels": None if la is None else la[0],
                        "pixels": None if la is None else la[1]})

    ref = {
        "volume": {"slices": 3, "rows": 24, "columns": 30, "rowSpacingMM": ROW_MM, "columnSpacingMM": COL_MM,
                   "slicePositionsMM": POSITIONS, "voxels": [float(v) for v in vol.ravel()]},
        "samples": samples,
        "aggregation": {"scores": [float(s) for s in scores], "cases": aggregation},
        "regions": regions,
        "tool": "Tools/ct/detector_fixtures.py (numpy %s)" % np.__version__,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(ref, f)
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
