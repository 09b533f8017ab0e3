#!/usr/bin/env python3
"""Reads the real databases with wfdb-python and writes the filtered 100 Hz leads, labels and folds that
train_af.py and eval_af.py use (one pickle, outside the repository):

    Tools/ecg/real/build_af_dataset.py --data ../shared/data/ecg-real --out /tmp/ecg-af-data.pkl

Sources: MIT-BIH Arrhythmia (paced records 102 104 107 217 excluded; both leads; per-sample AF mask from the
'(AFIB' rhythm annotations), CinC 2017 (300 single-lead records; A = AF, N/O/~ = not AF), CinC 2021 (50
12-lead records, none AF; evaluation only). Folds: 5, by record, stratified (CinC 2017 by class; MIT-BIH by
whether the record has AF, records 201 and 202 — one patient — in one fold).
"""
import argparse
import pickle

import numpy as np

import af_common as C


def peer_lead(r):
    """The peer's input lead: lead II (MLII on MIT-BIH), else the first lead."""
    names = [n.upper() for n in r["lead_names"]]
    for want in ("II", "MLII"):
        if want in names:
            return names.index(want)
    return 0


def peer_resample(x, fs):
    """openvital's own resampling (openvital.resample_hz: nearest-sample decimation / linear interpolation)."""
    import openvital
    return np.asarray(openvital.resample_hz(np.asarray(x, float), fs, 100), np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/data/ecg-real")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    out = {"fs": C.FS}
    cinc = C.read_cinc2017(f"{a.data}/cinc2017")
    for r in cinc:
        r["peer100"] = peer_resample(r["leads"][0], r["fs"])
        r["filtered"] = [C.filter_lead(x, r["fs"]).astype(np.float32) for x in r["leads"]]
        del r["leads"]
    strata = {r["record"]: r["label"] for r in cinc}
    folds = C.stratified_folds(list(strata), strata)
    for r in cinc:
        r["fold"] = folds[r["record"]]
    out["cinc2017"] = cinc
    mit = C.read_mitdb(f"{a.data}/mitdb")
    groups = C.mitdb_groups([r["record"] for r in mit])
    has_af = {}
    for r in mit:
        g = groups[r["record"]]
        has_af[g] = has_af.get(g, False) or bool(r["af_mask"].any())
    gf = C.stratified_folds(list(has_af), {g: int(v) for g, v in has_af.items()})
    for r in mit:
        r["fold"] = gf[groups[r["record"]]]
        r["peer100"] = peer_resample(r["leads"][peer_lead(r)], r["fs"])
        r["filtered"] = [C.filter_lead(x, r["fs"]).astype(np.float32) for x in r["leads"]]
        idx = np.minimum((np.arange(len(r["filtered"][0])) * r["fs"] / C.FS).astype(int), len(r["af_mask"]) - 1)
        r["af100"] = r["af_mask"][idx]
        del r["leads"], r["af_mask"]
    out["mitdb"] = mit
    c21 = C.read_cinc2021(f"{a.data}/cinc2021-12lead")
    for r in c21:
        r["filtered"] = [C.filter_lead(x, r["fs"]).astype(np.float32) for x in r["leads"]]
        r["peer100"] = peer_resample(r["leads"][peer_lead(r)], r["fs"])
        del r["leads"]
    out["cinc2021"] = c21
    with open(a.out, "wb") as f:
        pickle.dump(out, f)
    print("cinc2017", len(cinc), "AF", sum(r["label"] == "A" for r in cinc))
    print("mitdb", len(mit), "AF records", [r["record"] for r in mit if r["af100"].any()],
          "folds", {r["record"]: r["fold"] for r in mit if r["af100"].any()})
    print("cinc2021", len(c21))


if __name__ == "__main__":
    main()
