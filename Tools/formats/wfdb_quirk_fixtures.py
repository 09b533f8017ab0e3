#!/usr/bin/env python3
"""Small synthetic WFDB records that reproduce quirks of real PhysioNet files, with wfdb-python's reading
of them as the reference (Tests/ECGFormatsTests/Fixtures/quirks/, quirks_reference.json).

- cinc2017_style: like the PhysioNet/CinC 2017 records (not copied from them): a MATLAB v4 .mat signal
  file whose 24-byte MAT header is skipped by the byte offset in the format field (`16+24`), a
  placeholder checksum 0, and the base date/time in ISO order ("2014-05-08 05:05:15").
- bad_datetime: a spec-conforming record whose base time/date fields are garbage ("25:61:00 31/13/2014").
- multimodal: like the PhysioNet/CinC 2014 records: ECG, BP, EEG (in mV), Resp, SV, SpO2 in one .dat.
- no_ecg: BP and Resp only (format 16).
- eeg_only_mv: one EEG channel in mV (a voltage that is not an ECG lead).

Reference samples come from wfdb.rdrecord on copies of the headers with the date/time field dropped
(wfdb-python 4.3 cannot parse the ISO order) and, for the multimodal record, all channels.
Run from the repository root: /work/venv-tools/bin/python Tools/formats/wfdb_quirk_fixtures.py
"""
import json, os, pathlib, shutil, struct, tempfile
import numpy as np
import wfdb

out = pathlib.Path("Tests/ECGFormatsTests/Fixtures/quirks")
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(2017)
ref = {}

def ecg_like(n, fs, amp=1000):
    t = np.arange(n) / fs
    beat = np.exp(-((t % 0.8) - 0.3) ** 2 / (2 * 0.012 ** 2))
    return np.round(amp * beat - 120 + 20 * rng.standard_normal(n)).astype(np.int16)

def wfdb_ref(name, header_text, files):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        (tmp / f"{name}.hea").write_text(header_text)
        for f in files: shutil.copy(out / f, tmp / f)
        r = wfdb.rdrecord(str(tmp / name))
        return {"signals": r.sig_name, "units": r.units, "fs": r.fs,
                "samples": [[float(v) for v in r.p_signal[:, k]] for k in range(r.n_sig)]}

# cinc2017_style: MAT v4 header: type 30 (int16, column-major... as the challenge files), 1 row, n cols, name "val".
n, fs = 600, 300
x = ecg_like(n, fs)
mat = struct.pack("<5i", 30, 1, n, 0, 4) + b"val\x00" + x.astype("<i2").tobytes()
assert len(mat) == 24 + 2 * n
(out / "cinc2017_style.mat").write_bytes(mat)
rec = f"cinc2017_style 1 {fs} {n} 2014-05-08 05:05:15 \n"
sig = f"cinc2017_style.mat 16+24 1000/mV 16 0 {int(x[0])} 0 0 ECG \n"
(out / "cinc2017_style.hea").write_text(rec + sig)
ref["cinc2017_style"] = wfdb_ref("cinc2017_style", f"cinc2017_style 1 {fs} {n}\n" + sig, ["cinc2017_style.mat"])
ref["cinc2017_style"]["true_checksum"] = ((int(np.sum(x.astype(np.int64))) + 32768) % 65536) - 32768

# bad_datetime: format 16 .dat, correct checksum, unparseable time/date.
y = ecg_like(500, 250, 400)
(out / "bad_datetime.dat").write_bytes(y.astype("<i2").tobytes())
cs = ((int(np.sum(y.astype(np.int64))) + 32768) % 65536) - 32768
sig = f"bad_datetime.dat 16 200/mV 16 0 {int(y[0])} {cs} 0 MLII\n"
(out / "bad_datetime.hea").write_text("bad_datetime 1 250 500 25:61:00 31/13/2014\n" + sig)
ref["bad_datetime"] = wfdb_ref("bad_datetime", "bad_datetime 1 250 500\n" + sig, ["bad_datetime.dat"])

# multimodal (CinC 2014 style): 6 channels, 250 Hz, format 16.
fs, n = 250, 1000
chans = [("ECG", "mV", 200, ecg_like(n, fs, 300)),
         ("BP", "mmHg", 10, np.round(900 + 300 * np.sin(np.arange(n) / fs * 2 * np.pi * 1.2)).astype(np.int16)),
         ("EEG", "mV", 2000, np.round(40 * rng.standard_normal(n)).astype(np.int16)),
         ("Resp", "NU", 100, np.round(500 * np.sin(np.arange(n) / fs * 2 * np.pi * 0.25)).astype(np.int16)),
         ("SV", "ml", 10, np.full(n, 700, dtype=np.int16)),
         ("SpO2", "%", 10, np.full(n, 970, dtype=np.int16))]
frames = np.stack([c[3] for c in chans], axis=1).astype("<i2")
(out / "multimodal.dat").write_bytes(frames.tobytes())
lines = [f"multimodal {len(chans)} {fs} {n}"]
for d, u, g, v in chans:
    c = ((int(np.sum(v.astype(np.int64))) + 32768) % 65536) - 32768
    lines.append(f"multimodal.dat 16 {g}/{u} 16 0 {int(v[0])} {c} 0 {d}")
(out / "multimodal.hea").write_text("\n".join(lines) + "\n")
ref["multimodal"] = wfdb_ref("multimodal", "\n".join(lines) + "\n", ["multimodal.dat"])

# no_ecg: BP + Resp.
fr = np.stack([chans[1][3], chans[3][3]], axis=1).astype("<i2")
(out / "no_ecg.dat").write_bytes(fr.tobytes())
lines = [f"no_ecg 2 {fs} {n}", f"no_ecg.dat 16 10/mmHg 16 0 {int(chans[1][3][0])} 0 0 ABP",
         f"no_ecg.dat 16 100/NU 16 0 {int(chans[3][3][0])} 0 0 RESP"]
(out / "no_ecg.hea").write_text("\n".join(lines) + "\n")

# eeg_only_mv: one voltage channel that is not ECG.
(out / "eeg_only_mv.dat").write_bytes(chans[2][3].astype("<i2").tobytes())
(out / "eeg_only_mv.hea").write_text(f"eeg_only_mv 1 {fs} {n}\neeg_only_mv.dat 16 2000/mV 16 0 0 0 0 EEG Fpz-Cz\n")

(out.parent / "quirks_reference.json").write_text(json.dumps(ref, indent=0))
print("wrote", sorted(p.name for p in out.iterdir()))
