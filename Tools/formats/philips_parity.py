#!/usr/bin/env python3
"""Parity of Vigil's PhilipsXMLReader with the `sierraecg` package on the Philips XML files in a folder the user
names (default ../shared/data/ecg-real/philips-xml; the files are not part of the repository).

For each *.xml: `vigil ecg convert FILE --output tmp.npy` (float32 mV, [leads, samples]) against
sierraecg.read_file (int16 LSB) x resolution; reports the max absolute sample difference in LSB per file and the
global measurements Vigil kept.

Usage: /work/venv-tools/bin/python Tools/formats/philips_parity.py [FOLDER] [--vigil .build/debug/vigil]
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import sierraecg


def resolution_uv(path):
    raw = open(path, "rb").read()
    text = raw.decode("utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else raw.decode("utf-8", "replace")
    m = re.search(r"<(?:signal)?resolution>\s*([0-9.]+)\s*</(?:signal)?resolution>", text)
    return float(m.group(1)) if m else 5.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", nargs="?", default="../shared/data/ecg-real/philips-xml")
    ap.add_argument("--vigil", default=".build/debug/vigil")
    a = ap.parse_args()
    files = sorted(glob.glob(os.path.join(a.folder, "*.xml")))
    if not files:
        print(f"no .xml files in {a.folder}", file=sys.stderr)
        return 2
    worst = 0
    for path in files:
        name = os.path.basename(path)
        ref = sierraecg.read_file(path)
        res = resolution_uv(path)
        with tempfile.TemporaryDirectory() as d:
            npy = os.path.join(d, "x.npy")
            p = subprocess.run([a.vigil, "ecg", "convert", path, "--output", npy], capture_output=True, text=True)
            if p.returncode != 0:
                print(f"{name}: vigil failed: {p.stderr.strip()[:300]}")
                worst = max(worst, 10**9)
                continue
            got = np.load(npy).astype(np.float64) * 1000.0 / res  # back to LSB
            try:
                summary = json.loads(p.stdout)
            except ValueError:
                summary = {}
        diffs = []
        for k, lead in enumerate(ref.leads):
            r = np.asarray(lead.samples, dtype=np.float64)
            g = got[k]
            if len(g) > len(r):
                diffs.append(float("inf"))
                print(f"  {name} {lead.label}: length vigil {len(g)} sierraecg {len(r)}")
                continue
            # Vigil cuts the calibration tail (zeros + 1 mV pulse); the cut part must be just that
            tail = r[len(g):]
            if not np.all((tail == 0) | (tail == round(1000 / res))):
                diffs.append(float("inf"))
            diffs.append(float(np.max(np.abs(np.round(g) - r[:len(g)]))))
        mx = max(diffs)
        worst = max(worst, mx)
        meas = {m.get("name"): m.get("value") for m in summary.get("measurements", [])} if isinstance(summary, dict) else {}
        keep = {k: meas[k] for k in ("heartrate", "print", "qrsdur", "qtint", "qtcb", "qrsfrontaxis") if k in meas}
        print(f"{name}: {len(ref.leads)} leads x {len(ref.leads[0].samples)} samples (vigil keeps {got.shape[1]}), max |vigil - sierraecg| = {mx:g} LSB "
              f"({mx * res:g} uV); measurements {keep}")
    print(f"worst over {len(files)} files: {worst:g} LSB")
    return 0 if worst == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
