"""Writes Tests/CTSynthTests/Fixtures/gaussian_blur.json: a seeded 16 x 16 image and its Gaussian blur by
scipy.ndimage.gaussian_filter (sigma 1.0 px, mode 'nearest' = edge clamping, truncate 3 -> kernel radius 3),
the reference for CTSynth's separable PSF / noise-correlation filter."""
import json
import os

import numpy as np
import scipy
from scipy.ndimage import gaussian_filter

rng = np.random.default_rng(6)
img = rng.normal(0, 100, (16, 16)).round(3)
out = gaussian_filter(img, sigma=1.0, mode="nearest", truncate=3.0)
k = np.exp(-np.arange(-3, 4) ** 2 / 2.0)
k /= k.sum()
path = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "CTSynthTests", "Fixtures", "gaussian_blur.json")
json.dump({"generator": "Tools/ct/make_fixtures.py (scipy %s)" % scipy.__version__, "sigmaPx": 1.0, "size": 16,
           "input": img.ravel().tolist(), "output": out.ravel().tolist(),
           "noiseGain": float((k ** 2).sum())}, open(path, "w"))
print("wrote", os.path.normpath(path))
