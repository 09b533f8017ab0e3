#!/usr/bin/env python3
"""Compare Vigil's WFDB reader with wfdb-python on the PhysioNet/CinC Challenge 2017 records.

The CinC 2017 headers carry a placeholder checksum (0) and the base date and time in ISO order
("2014-05-08 05:05:15"), which wfdb-python 4.3's rdheader cannot parse. The reference therefore reads
each record from a copy of its header with the date/time fields dropped (the signal file is linked,
not copied); the samples are what both readers must agree on.

Usage: Tools/formats/cinc2017_parity.py [--data ../shared/data/ecg-real/cinc2017] [--vigil .build/debug/vigil]
Prints how many records Vigil reads, how many match wfdb-python (max |diff| <= 1e-6 mV, same length),
and the warnings Vigil gave. Reads the data from the folder named; copies nothing into the repository.
"""
import argparse, collections, os, pathlib, subprocess, sys, tempfile
import numpy as np
import wfdb

ap = argparse.ArgumentParser()
ap.add_argument("--data", default="../shared/data/ecg-real/cinc2017")
ap.add_argument("--vigil", default=".build/debug/vigil")
ap.add_argument("--limit", type=int, default=0)
a = ap.parse_args()
data = pathlib.Path(a.data).resolve()
heads = sorted(data.glob("*.hea"))
if a.limit: heads = heads[: a.limit]
read = match = 0
failures, warn_kinds = [], collections.Counter()
worst = 0.0
with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    for h in heads:
        name = h.stem
        npy = tmp / f"{name}.npy"
        p = subprocess.run([a.vigil, "ecg", "convert", str(h), "--output", str(npy)], capture_output=True, text=True)
        if p.returncode != 0:
            failures.append(f"{name}: vigil: {p.stderr.strip().splitlines()[-1] if p.stderr.strip() else p.returncode}")
            continue
        read += 1
        for line in p.stderr.splitlines():
            if line.startswith("warning:"):
                warn_kinds["checksum" if "checksum" in line else "date/time" if "base time" in line else "other"] += 1
        mine = np.load(npy)
        # Reference: the header without the base time/date fields.
        lines = h.read_text().splitlines()
        rec = lines[0].split()[:4]
        ref_dir = tmp / "ref"; ref_dir.mkdir(exist_ok=True)
        (ref_dir / h.name).write_text("\n".join([" ".join(rec)] + lines[1:]) + "\n")
        for sig in {l.split()[0] for l in lines[1:] if l.strip() and not l.startswith("#")}:
            link = ref_dir / sig
            if not link.exists(): os.symlink(data / sig, link)
        ref = wfdb.rdrecord(str(ref_dir / name)).p_signal.T
        if ref.shape != mine.shape:
            failures.append(f"{name}: shape {mine.shape} vs wfdb {ref.shape}"); continue
        d = float(np.nanmax(np.abs(ref - mine))) if ref.size else 0.0
        same_nan = bool((np.isnan(ref) == np.isnan(mine)).all())
        worst = max(worst, d)
        if d <= 1e-6 and same_nan: match += 1
        else: failures.append(f"{name}: max |diff| {d:.3g} mV")
print(f"records: {len(heads)}; read by Vigil: {read}; samples match wfdb-python (<= 1e-6 mV): {match}; "
      f"worst |diff| {worst:.3g} mV")
print(f"Vigil warnings: {dict(warn_kinds)}")
for f in failures[:20]: print("  ", f)
sys.exit(0 if read == len(heads) == match else 1)
