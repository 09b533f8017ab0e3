#!/usr/bin/env python3
"""Writes synthetic Philips SierraECG XML fixtures with Vigil's own XLI encoder, checked by decoding them with the
`sierraecg` package (0.4.0), for Tests/ECGFormatsTests (no real Philips file is copied into the repository).

Fixtures (Tests/ECGFormatsTests/Fixtures/philips/):
  synth_104_utf16.xml  PhilipsECG 1.04, UTF-16 LE with BOM and CRLF, leadlabels, XLI, 12 leads x 1000 samples at 500 Hz
  synth_103_utf8.xml   SierraECG 1.03, UTF-8, no leadlabels (names from acquisitiontype STD-12), same signals
  philips_reference.json  the true integer samples (LSB, 5 uV) per lead, as sierraecg decodes them (asserted equal),
                          the global measurements and statements written

Usage: /work/venv-tools/bin/python Tools/formats/philips_fixtures.py
"""
import base64
import json
import math
import os
import sys

import numpy as np
import sierraecg

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "ECGFormatsTests", "Fixtures", "philips")
LABELS = "I II III aVR aVL aVF V1 V2 V3 V4 V5 V6".split()
RATE, N, RES = 500, 1000, 5


def lzw_encode(data: bytes, bits: int = 10) -> bytes:
    """LZW, fixed `bits`-bit codes packed MSB first, dictionary of 256 bytes grown to code 2^bits - 2, no resets."""
    max_code = (1 << bits) - 2
    table = {bytes([i]): i for i in range(256)}
    nxt = 256
    codes = []
    w = b""
    for c in data:
        wc = w + bytes([c])
        if wc in table:
            w = wc
            continue
        codes.append(table[w])
        if nxt <= max_code:
            table[wc] = nxt
            nxt += 1
        w = bytes([c])
    if w:
        codes.append(table[w])
    acc, nbits, out = 0, 0, bytearray()
    for code in codes:
        acc = (acc << bits) | code
        nbits += bits
        while nbits >= 8:
            out.append((acc >> (nbits - 8)) & 0xFF)
            nbits -= 8
    if nbits:
        out.append((acc << (8 - nbits)) & 0xFF)
    return bytes(out)


def xli_chunk(y) -> bytes:
    """One XLI chunk for int samples y: second-difference residuals r_i = 2y[i-1] - y[i-2] - y[i] (i >= 2);
    r_2 goes in the header, r_i + 64 is stored at position i - 1 (i >= 3); y[0], y[1] stored as they are."""
    n = len(y)
    v = [0] * n
    v[0], v[1] = y[0], y[1]
    res = [2 * y[i - 1] - y[i - 2] - y[i] for i in range(n)]  # entries 0, 1 unused
    first = res[2]
    for i in range(3, n):
        v[i - 1] = res[i] + 64
    v[n - 1] = 64
    u = [x & 0xFFFF for x in v]
    plain = bytes([x >> 8 for x in u]) + bytes([x & 0xFF for x in u])
    body = lzw_encode(plain)
    header = len(body).to_bytes(4, "little", signed=True) + (0).to_bytes(2, "little") + first.to_bytes(2, "little", signed=True)
    return header + body


def signals():
    t = np.arange(N) / RATE
    def beat(amp, phase):
        s = np.zeros(N)
        for k in range(3):
            c = 0.4 + k * 0.8 + phase
            s += amp * np.exp(-((t - c) / 0.012) ** 2) + 0.2 * amp * np.exp(-((t - c - 0.25) / 0.05) ** 2)
        return s + 0.05 * np.sin(2 * math.pi * 0.3 * t)
    mv = {"I": beat(0.8, 0.0), "II": beat(1.2, 0.002)}
    for j, name in enumerate(LABELS[6:]):
        mv[name] = beat(0.3 + 0.25 * j, 0.001 * j) * (-1 if j < 2 else 1)
    lsb = {k: np.round(v * 1000 / RES).astype(int) for k, v in mv.items()}
    i, ii = lsb["I"], lsb["II"]
    lsb["III"] = ii - i
    lsb["aVR"] = -(i + ii) // 2
    lsb["aVL"] = (i - lsb["III"]) // 2 + 3  # small offsets so that the residuals are not all zero
    lsb["aVF"] = (ii + lsb["III"]) // 2 - 2
    return lsb


def stored(lsb):
    i, ii, iii = lsb["I"], lsb["II"], lsb["III"]
    st = dict(lsb)
    st["III"] = ii - i - iii
    st["aVR"] = -lsb["aVR"] - (i + ii) // 2
    st["aVL"] = (i - iii) // 2 - lsb["aVL"]
    st["aVF"] = (ii + iii) // 2 - lsb["aVF"]
    return st


MEAS = {"heartrate": 75, "rrint": 800, "pdur": 102, "print": 156, "qonset": 512, "qrsdur": 94, "qtint": 388,
        "qtcb": 433, "qtcf": 418, "pfrontaxis": 45, "qrsfrontaxis": 60, "tfrontaxis": 38}
STATEMENTS = [("SR", "SINUS RHYTHM", ""), ("NPTA", "NO PREVIOUS TRACING", "")]


def document(version, doctype, with_labels, payload):
    pw_attrs = f'dataencoding="Base64" compressmethod="XLI" durationperchannel="{N * 1000 // RATE}" nbitspersample="16"'
    if with_labels:
        pw_attrs = (f'dataencoding="Base64" compression="XLI" numberofleads="12" leadlabels="{" ".join(LABELS)}" '
                    f'durationperchannel="{N * 1000 // RATE}" samplespersecond="{RATE}" resolution="{RES}"')
    restag = "resolution" if version.startswith("1.04") else "signalresolution"  # as the real 1.04 / 1.03 files name it
    meas = "\n".join(f'        <{k} editedflag="False">{v}</{k}>' for k, v in MEAS.items())
    stm = "\n".join(f"      <statement>\n        <statementcode>{c}</statementcode>\n        <leftstatement>{l}</leftstatement>\n"
                    f"        <rightstatement>{r}</rightstatement>\n      </statement>" for c, l, r in STATEMENTS)
    b64 = base64.b64encode(payload).decode()
    b64 = "\n".join(b64[k:k + 76] for k in range(0, len(b64), 76))
    return f"""<restingecgdata xmlns="http://www3.medical.philips.com">
  <documentinfo>
    <documentname>synthetic</documentname>
    <documenttype>{doctype}</documenttype>
    <documentversion>{version}</documentversion>
  </documentinfo>
  <patient>
    <generalpatientdata>
      <patientid>SYNTH-0001</patientid>
    </generalpatientdata>
  </patient>
  <dataacquisition date="2024-01-02" time="03:04:05">
    <machine detaildescription="synthetic">Vigil fixture</machine>
    <signalcharacteristics>
      <samplingrate>{RATE}</samplingrate>
      <{restag}>{RES}</{restag}>
      <acquisitiontype>STD-12</acquisitiontype>
      <numberchannelsallocated>12</numberchannelsallocated>
    </signalcharacteristics>
  </dataacquisition>
  <interpretations>
    <interpretation>
      <globalmeasurements>
{meas}
      </globalmeasurements>
      <severity>- NORMAL ECG -</severity>
{stm}
    </interpretation>
  </interpretations>
  <waveforms>
    <parsedwaveforms {pw_attrs}>
{b64}
    </parsedwaveforms>
  </waveforms>
</restingecgdata>
"""


def main():
    os.makedirs(OUT, exist_ok=True)
    truth = signals()
    st = stored(truth)
    payload = b"".join(xli_chunk([int(x) for x in st[name]]) for name in LABELS)
    files = {
        "synth_104_utf16.xml": ('<?xml version="1.0" encoding="utf-16"?>\n' + document("1.04", "PhilipsECG", True, payload))
        .replace("\n", "\r\n").encode("utf-16"),  # Python's utf-16 codec writes a BOM (LE here)
        "synth_103_utf8.xml": ('<?xml version="1.0" encoding="utf-8"?>\n' + document("1.03", "SierraECG", False, payload)).encode("utf-8"),
    }
    for name, data in files.items():
        path = os.path.join(OUT, name)
        with open(path, "wb") as f:
            f.write(data)
        dec = sierraecg.read_file(path)
        for lead, label in zip(dec.leads, LABELS):
            assert lead.label == label, (name, lead.label, label)
            got = np.asarray(lead.samples, dtype=int)[:N]
            assert np.array_equal(got, truth[label]), (name, label, np.abs(got - truth[label]).max())
        print(f"{name}: {len(data)} bytes, sierraecg decodes all 12 leads equal to the truth")
    ref = {"source": "Tools/formats/philips_fixtures.py (synthetic; checked with sierraecg " + sierraecg.__version__ + ")",
           "sampling_rate": RATE, "resolution_uV": RES, "labels": LABELS,
           "samples_lsb": {k: [int(x) for x in truth[k]] for k in LABELS},
           "measurements": MEAS, "statements": ["- NORMAL ECG -"] + [l for _, l, _ in STATEMENTS]}
    with open(os.path.join(OUT, "philips_reference.json"), "w") as f:
        json.dump(ref, f, separators=(",", ":"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
