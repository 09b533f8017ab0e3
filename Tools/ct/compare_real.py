"""Compares organ HU of phantoms with the real TCIA Pancreas-CT slice shipped in SampleData, and renders both
side by side (W400/L40).

usage: compare_real.py --real /tmp/tcia.npy --phantoms /tmp/tis-3 /tmp/tis-4 --out /tmp/compare
  --real: HU of SampleData/ct/PancreasCT_0001_slice122_j2k.dcm as .npy (`vigil ct convert ... --output`), stored
  orientation (column direction (0,-1,0): anterior at the bottom); ROIs below are in that stored pixel grid and were
  placed by eye on the W400/L40 image.
  --phantoms: prefixes of <p>.i16 (HU) + <p>.tis (tissue codes, CTSynth.Tissue) of 512 x 512 phantoms.
"""
import argparse
import json

import numpy as np
from PIL import Image
from scipy.ndimage import binary_erosion

# (row, col, radius px) in the stored real slice
REAL_ROIS = {
    "liver": [(260, 150, 10), (290, 170, 8)],
    "spleen": [(220, 385, 6)],
    "kidney (cortex, right)": [(210, 181, 2)],
    "aorta": [(236, 262, 4)],
    "pancreas": [(272, 300, 3), (267, 250, 3)],
    "muscle (paraspinal)": [(135, 225, 5)],
    "subcutaneous fat (anterior)": [(356, 260, 3)],
    "vertebral body (cancellous)": [(185, 262, 8)],
}
TISSUES = {"liver": [4], "spleen": [5], "kidney (cortex, right)": [6], "aorta": [8], "pancreas": [13],
           "muscle (paraspinal)": [2], "subcutaneous fat (anterior)": [1], "vertebral body (cancellous)": [15]}


def disc_values(img, rois):
    rr, cc = np.mgrid[0:img.shape[0], 0:img.shape[1]]
    m = np.zeros(img.shape, bool)
    for r, c, rad in rois:
        m |= (rr - r) ** 2 + (cc - c) ** 2 <= rad ** 2
    return img[m], m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--real", required=True)
    ap.add_argument("--phantoms", nargs="+", required=True)
    ap.add_argument("--slices", type=int, default=16)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    real = np.load(a.real)[0]
    res = {}
    overlay = np.stack([(np.clip((real + 160) / 400, 0, 1) * 255).astype(np.uint8)] * 3, -1)
    for name, rois in REAL_ROIS.items():
        v, m = disc_values(real, rois)
        overlay[m] = (overlay[m] * 0.5 + np.array([120, 0, 0])).astype(np.uint8)
        res[name] = {"real": {"mean": float(v.mean()), "sd": float(v.std()), "n": int(v.size)}}
    vols = []
    for p in a.phantoms:
        hu = np.fromfile(p + ".i16", dtype="<i2").reshape(a.slices, 512, 512).astype(np.float32)
        tis = np.fromfile(p + ".tis", dtype=np.uint8).reshape(a.slices, 512, 512)
        vols.append((hu, tis))
    for name, codes in TISSUES.items():
        means, sds, n = [], [], 0
        for hu, tis in vols:
            for s in range(hu.shape[0]):
                m = binary_erosion(np.isin(tis[s], codes), iterations=2)
                if m.sum() > 20:
                    means.append(hu[s][m].mean())
                    sds.append(hu[s][m].std())
                    n += int(m.sum())
        res[name]["phantom"] = {"mean": float(np.mean(means)), "meanRange": [float(np.min(means)), float(np.max(means))],
                                "sd": float(np.mean(sds)), "n": n}
    json.dump(res, open(a.out + ".json", "w"), indent=1)
    hu, _ = vols[0]
    ph = (np.clip((hu[a.slices // 2] + 160) / 400, 0, 1) * 255).astype(np.uint8)
    std_real = (np.clip((real[::-1] + 160) / 400, 0, 1) * 255).astype(np.uint8)  # flipped to standard orientation
    Image.fromarray(np.concatenate([ph, std_real], 1)).save(a.out + "-side-by-side.png")
    Image.fromarray(overlay).save(a.out + "-real-rois.png")
    for k, v in res.items():
        print("%-32s real %7.1f ± %5.1f   phantom %7.1f ± %5.1f (slice means %6.1f…%6.1f)" % (
            k, v["real"]["mean"], v["real"]["sd"], v["phantom"]["mean"], v["phantom"]["sd"], *v["phantom"]["meanRange"]))


if __name__ == "__main__":
    main()
