#!/usr/bin/env python3
"""Beats of every lead of every record in the dataset of build_af_dataset.py, found by af_rr.detect_beats (the
Python side of Vigil's QRS detector) on the model's own 100 Hz band-passed leads; written next to it:

    Tools/ecg/real/build_af_beats.py --dataset /tmp/ecg-af-data.pkl --out /tmp/ecg-af-beats.pkl
"""
import argparse
import pickle
import time

import af_rr as R


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    with open(a.dataset, "rb") as f:
        data = pickle.load(f)
    out = {}
    t0 = time.time()
    for src in ("cinc2017", "mitdb", "cinc2021"):
        out[src] = {r["record"]: [R.detect_beats(x) for x in r["filtered"]] for r in data[src]}
        print(src, len(out[src]), f"{time.time() - t0:.0f}s", flush=True)
    with open(a.out, "wb") as f:
        pickle.dump(out, f)


if __name__ == "__main__":
    main()
