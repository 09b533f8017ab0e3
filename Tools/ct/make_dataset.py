"""Turns phantom studies into training arrays for train.py.

usage: make_dataset.py --raw /tmp/ct-data/train-raw --out /tmp/ct-data/train.npz
       make_dataset.py --png DIR_FROM_vigil_synth_ct --out train.npz

Input: studies from `vigil synth ct` (PNG series, --png) or the same CTSynth studies in the raw export of the
generator driver (--raw: <study>.i16 HU, <study>.u8 labels, <study>.json geometry), which skips PNG compression.
Output: localiser slices (128 x 128 at 3.2 mm) with pancreas targets; lesion crops (3 x 96 x 96 at 1 mm) around the
ground-truth pancreas centroid with +-6 mm jitter (standing in for localiser error), lesion masks and slice labels.
"""
import argparse
import glob
import os

import numpy as np

import ctcommon as cc


def study_arrays(vol, spacing, sspacing, lab, rng):
    loc_x, loc_y, crops, cmask, ccls = [], [], [], [], []
    for s in range(vol.shape[0]):
        loc_x.append(cc.loc_input(vol[s], spacing))
        loc_y.append(cc.loc_target(lab[s] >= 1, spacing))
        ys, xs = np.nonzero(lab[s] >= 1)
        if len(ys) < 20:
            continue
        centre = (ys.mean() + rng.uniform(-6, 6) / spacing[0], xs.mean() + rng.uniform(-6, 6) / spacing[1])
        crops.append(cc.crop_input(vol, s, centre, spacing, sspacing))
        m = cc.crop_mask(lab[s] == 2, centre, spacing)
        cmask.append(m)
        ccls.append(1.0 if m.sum() >= 3 else 0.0)
    return loc_x, loc_y, crops, cmask, ccls


def main():
    ap = argparse.ArgumentParser()
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--raw")
    g.add_argument("--png")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    acc = [[], [], [], [], []]
    if a.raw:
        studies = sorted(p[:-5] for p in glob.glob(os.path.join(a.raw, "*.json")))
    else:
        studies = sorted(os.path.dirname(p) for p in glob.glob(os.path.join(a.png, "*", "phantom.json")))
    for i, st in enumerate(studies):
        if a.raw:
            vol, sp, ssp, lab = cc.read_raw(st)
        else:
            vol, sp, ssp, _ = cc.read_png_volume(os.path.join(st, "ct", "volume.json"))
            lab = cc.read_labels(st)
        parts = study_arrays(vol, sp, ssp, lab, np.random.default_rng(i))
        for k in range(5):
            acc[k].extend(parts[k])
        if i % 20 == 0:
            print("%d/%d" % (i + 1, len(studies)), flush=True)
    np.savez(a.out, loc_x=np.stack(acc[0]).astype(np.float16), loc_y=np.stack(acc[1]).astype(np.uint8),
             crop_x=np.stack(acc[2]).astype(np.float16), crop_mask=np.stack(acc[3]).astype(np.uint8),
             crop_cls=np.array(acc[4], np.float32), n_studies=len(studies))
    print("studies %d, slices %d, crops %d (lesion %d)" % (len(studies), len(acc[0]), len(acc[2]), int(sum(acc[4]))))


if __name__ == "__main__":
    main()
