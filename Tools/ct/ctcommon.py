"""Shared CT preprocessing for training and evaluation, written to match docs/ct-models.md exactly.

Reads phantom studies written by `vigil synth ct` (16-bit PNG slices + vigil-ct-png/1 sidecar, 8-bit label PNGs),
resamples slices for the localiser (128 x 128 at 3.2 mm, centred on the image centre) and crops for the lesion
model (3 x 96 x 96 at 1.0 mm around a centre, neighbours 2.5 mm apart by linear interpolation along z).
"""
import json
import os

import numpy as np
from PIL import Image

LOC_SIZE, LOC_SPACING = 128, 3.2
CROP_SIZE, CROP_SPACING, CROP_SLICE_SPACING = 96, 1.0, 2.5
PAD_HU, WC, WW = -1000.0, 40.0, 400.0
MIN_MASK_PIXELS = 4
AGG_WINDOW = 3


def window(hu):
    lo, hi = WC - WW / 2, WC + WW / 2
    return ((np.clip(hu, lo, hi) - lo) / (hi - lo)).astype(np.float32)


def read_png_volume(sidecar_path):
    """HU volume [slices, rows, cols] (float32), pixel spacing (row, col), slice spacing, metadata."""
    with open(sidecar_path) as f:
        s = json.load(f)
    d = os.path.dirname(sidecar_path)
    sl = [np.array(Image.open(os.path.join(d, n)), dtype=np.float64) for n in s["slices"]]
    vol = np.stack(sl) * s["rescaleSlope"] + s["rescaleIntercept"]
    if s.get("sliceOrder", "increasing") == "decreasing":
        vol = vol[::-1]
    return vol.astype(np.float32), tuple(s["pixelSpacingMM"]), s.get("sliceSpacingMM"), s.get("metadata", {})


def read_raw(prefix):
    """A study from the fast raw export of the private generator driver: <prefix>.i16/.u8/.json."""
    with open(prefix + ".json") as f:
        m = json.load(f)
    shape = tuple(m["shape"])
    vol = np.fromfile(prefix + ".i16", dtype="<i2").reshape(shape).astype(np.float32)
    lab = np.fromfile(prefix + ".u8", dtype=np.uint8).reshape(shape)
    sp = m["pixelSpacingMM"]
    return vol, (sp, sp), m["sliceSpacingMM"], lab


def to_standard_orientation(vol, row_dir, col_dir):
    """Flips [slices, rows, cols] so rows run posterior (col_dir y > 0) and columns to patient left (row_dir x > 0)."""
    if col_dir[1] < 0:
        vol = vol[:, ::-1, :]
    if row_dir[0] < 0:
        vol = vol[:, :, ::-1]
    return np.ascontiguousarray(vol)


def read_labels(study_dir):
    with open(os.path.join(study_dir, "labels", "labels.json")) as f:
        s = json.load(f)
    return np.stack([np.array(Image.open(os.path.join(study_dir, "labels", n)), dtype=np.uint8) for n in s["slices"]])


def bilinear(img, rr, cc, pad):
    """Samples img at fractional (row, col) grids; points outside [0, n-1] take `pad`."""
    n_r, n_c = img.shape
    inside = (rr >= 0) & (rr <= n_r - 1) & (cc >= 0) & (cc <= n_c - 1)
    r = np.clip(rr, 0, n_r - 1)
    c = np.clip(cc, 0, n_c - 1)
    r0 = np.minimum(np.floor(r).astype(np.int64), n_r - 2) if n_r > 1 else np.zeros_like(r, dtype=np.int64)
    c0 = np.minimum(np.floor(c).astype(np.int64), n_c - 2) if n_c > 1 else np.zeros_like(c, dtype=np.int64)
    fr, fc = r - r0, c - c0
    r1, c1 = np.minimum(r0 + 1, n_r - 1), np.minimum(c0 + 1, n_c - 1)
    v = (img[r0, c0] * (1 - fr) * (1 - fc) + img[r0, c1] * (1 - fr) * fc
         + img[r1, c0] * fr * (1 - fc) + img[r1, c1] * fr * fc)
    return np.where(inside, v, pad)


def loc_grid(shape, spacing):
    """Source (row, col) coordinates of the localiser's 128 x 128 grid centred on the image centre."""
    rows, cols = shape
    k = (np.arange(LOC_SIZE) - (LOC_SIZE - 1) / 2) * LOC_SPACING
    rr = (rows - 1) / 2 + k / spacing[0]
    cc = (cols - 1) / 2 + k / spacing[1]
    return np.meshgrid(rr, cc, indexing="ij")


def loc_input(slice_hu, spacing):
    rr, cc = loc_grid(slice_hu.shape, spacing)
    return window(bilinear(slice_hu.astype(np.float64), rr, cc, PAD_HU))


def loc_target(slice_mask, spacing):
    rr, cc = loc_grid(slice_mask.shape, spacing)
    return (bilinear(slice_mask.astype(np.float64), rr, cc, 0.0) >= 0.5).astype(np.float32)


def loc_mask_to_centroid(mask128, shape, spacing):
    """Centroid (row, col) in the original pixel grid of a 128 x 128 localiser mask, or None if too small."""
    ys, xs = np.nonzero(mask128)
    if len(ys) < MIN_MASK_PIXELS:
        return None
    rows, cols = shape
    r = (rows - 1) / 2 + (ys.mean() - (LOC_SIZE - 1) / 2) * LOC_SPACING / spacing[0]
    c = (cols - 1) / 2 + (xs.mean() - (LOC_SIZE - 1) / 2) * LOC_SPACING / spacing[1]
    return r, c


def z_sample(vol, s, dz_mm, slice_spacing):
    """Slice at index s + dz/spacing by linear interpolation along z (nearest slice at the ends)."""
    n = vol.shape[0]
    if n == 1 or not slice_spacing:
        return vol[min(max(s, 0), n - 1)]
    f = s + dz_mm / slice_spacing
    if f <= 0:
        return vol[0]
    if f >= n - 1:
        return vol[n - 1]
    i = int(np.floor(f))
    u = f - i
    return vol[i] * (1 - u) + vol[i + 1] * u if u > 0 else vol[i]


def crop_grid(centre, spacing):
    k = (np.arange(CROP_SIZE) - (CROP_SIZE - 1) / 2) * CROP_SPACING
    rr = centre[0] + k / spacing[0]
    cc = centre[1] + k / spacing[1]
    return np.meshgrid(rr, cc, indexing="ij")


def crop_input(vol, s, centre, spacing, slice_spacing):
    rr, cc = crop_grid(centre, spacing)
    chans = [window(bilinear(z_sample(vol, s, dz, slice_spacing).astype(np.float64), rr, cc, PAD_HU))
             for dz in (-CROP_SLICE_SPACING, 0.0, CROP_SLICE_SPACING)]
    return np.stack(chans)


def crop_mask(mask_slice, centre, spacing):
    rr, cc = crop_grid(centre, spacing)
    return (bilinear(mask_slice.astype(np.float64), rr, cc, 0.0) >= 0.5).astype(np.float32)


def aggregate(slice_logits, window_len=AGG_WINDOW):
    """Study logit: max over windows of `window_len` consecutive scored slices of the mean slice logit."""
    x = np.asarray(slice_logits, dtype=np.float64)
    if len(x) == 0:
        return None
    if len(x) < window_len:
        return float(x.mean())
    return float(max(x[i:i + window_len].mean() for i in range(len(x) - window_len + 1)))
