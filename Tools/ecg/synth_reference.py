#!/usr/bin/env python3
"""Independent measurements of the synthetic sample records, for Tests/ECGSynthTests (PythonReferenceTests).

Reads the WFDB records written by `vigil synth ecg` (default: SampleData/ecg/synthetic) with wfdb-python,
detects R peaks with neurokit2 (its default 'neurokit' method, on the lead with the largest QRS
amplitude, after nk.ecg_clean), and measures the file-level lead relations (III = II - I, aVR, aVL, aVF)
after wfdb-python's own decoding. Writes Tests/ECGSynthTests/Fixtures/python_reference.json.

Nothing here is used by the Swift code at run time; CI needs only the committed JSON.

    /work/venv-tools/bin/python Tools/ecg/synth_reference.py [FOLDER] [OUT.json]
"""
import csv
import json
import os
import sys

import neurokit2 as nk
import numpy as np
import wfdb

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "SampleData", "ecg", "synthetic")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "Tests", "ECGSynthTests", "Fixtures", "python_reference.json")
    with open(os.path.join(folder, "labels.csv")) as f:
        rows = list(csv.DictReader(f))
    result = {"tool": f"wfdb {wfdb.__version__}, neurokit2 {nk.__version__}, numpy {np.__version__}", "records": []}
    for row in rows:
        name = row["record"]
        rec = wfdb.rdrecord(os.path.join(folder, name))
        x = rec.p_signal  # mV, samples x leads
        names = rec.sig_name
        L = {n: x[:, k] for k, n in enumerate(names)}
        rel = max(
            np.max(np.abs(L["III"] - (L["II"] - L["I"]))),
            np.max(np.abs(L["aVR"] + (L["I"] + L["II"]) / 2)),
            np.max(np.abs(L["aVL"] - (L["I"] - L["II"] / 2))),
            np.max(np.abs(L["aVF"] - (L["II"] - L["I"] / 2))),
        )
        entry = {"record": name, "labels": row["labels"], "relation_error_mv": float(rel)}
        if row["labels"] not in ("flat_line", "noise_only"):
            cleaned = {n: nk.ecg_clean(L[n], sampling_rate=int(rec.fs)) for n in names}
            p2p = {n: float(np.percentile(c, 99.5) - np.percentile(c, 0.5)) for n, c in cleaned.items()}
            lead = max(names, key=lambda n: p2p[n])
            _, info = nk.ecg_peaks(cleaned[lead], sampling_rate=int(rec.fs))
            peaks = [int(p) for p in info["ECG_R_Peaks"]]
            entry.update({
                "lead": lead,
                "neurokit_r_peaks": peaks,
                "neurokit_heart_rate_bpm": float(60 * rec.fs / np.mean(np.diff(peaks))) if len(peaks) > 1 else None,
            })
        result["records"].append(entry)
        print(name, row["labels"], {k: v for k, v in entry.items() if k != "neurokit_r_peaks"})
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
