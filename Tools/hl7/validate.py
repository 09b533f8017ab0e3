#!/usr/bin/env python3
"""Checks a `vigil export --format hl7v2` file with python-hl7 (PyPI `hl7`), independently of Vigil.

Usage: Tools/hl7/validate.py findings.hl7 [--mllp]

For every message (segments ended by CR; with --mllp, MLLP frames 0x0B ... 0x1C 0x0D):
  - python-hl7 parses it (hl7.parse) and the segments are MSH, [PID], then OBR groups each followed by
    NTE/OBX segments, OBX optionally followed by NTE (the ORU_R01 order);
  - MSH-9 is ORU^R01^ORU_R01, MSH-12 is 2.5.1, MSH-10 is present and unique across the file;
  - every OBR has OBR-4 (coded) and OBR-25 in {F, X}; every OBX has OBX-2 in {CWE, NM}, OBX-3 coded,
    OBX-11 = F; NM values are numbers with a UCUM unit (OBX-6 component 3 = UCUM); CWE decisions use
    table 0078 POS/NEG/IND;
  - no field holds an unescaped delimiter (python-hl7 would have split it: checked by re-joining).
Prints one line per message and exits 1 on the first problem list that is not empty.
"""
import sys

import hl7


def messages(path, mllp):
    data = open(path, "rb").read().decode("utf-8")
    if mllp:
        out = []
        for frame in data.split("\x0b")[1:]:
            body, _, _ = frame.partition("\x1c\r")
            out.append(body)
        return out
    # Plain form: a message starts at each MSH segment.
    segs = [s for s in data.split("\r") if s]
    out, cur = [], []
    for s in segs:
        if s.startswith("MSH") and cur:
            out.append("\r".join(cur) + "\r")
            cur = []
        cur.append(s)
    if cur:
        out.append("\r".join(cur) + "\r")
    return out


def check(text):
    problems = []
    m = hl7.parse(text)
    ids = [str(s[0]) for s in m]
    if ids[0] != "MSH":
        problems.append("first segment is not MSH")
    msh = m.segment("MSH")
    if str(msh[9]) != "ORU^R01^ORU_R01":
        problems.append(f"MSH-9 is {msh[9]}")
    if str(msh[12]) != "2.5.1":
        problems.append(f"MSH-12 is {msh[12]}")
    control = str(msh[10])
    if not control:
        problems.append("MSH-10 empty")
    order = ids[1:]
    if order and order[0] == "PID":
        order = order[1:]
    if not order or order[0] != "OBR":
        problems.append(f"no OBR after MSH/PID: {ids}")
    for seg in m:
        sid = str(seg[0])
        if sid not in ("MSH", "PID", "OBR", "OBX", "NTE"):
            problems.append(f"unexpected segment {sid}")
        if sid == "OBR":
            if not str(seg[4]):
                problems.append("OBR-4 empty")
            if str(seg[25]) not in ("F", "X"):
                problems.append(f"OBR-25 {seg[25]}")
        if sid == "OBX":
            vt = str(seg[2])
            if vt not in ("CWE", "NM"):
                problems.append(f"OBX-2 {vt}")
            if len(seg[3]) == 0 or not str(seg[3][0][0]):
                problems.append("OBX-3 not coded")
            if str(seg[11]) != "F":
                problems.append(f"OBX-11 {seg[11]}")
            if vt == "NM":
                try:
                    float(str(seg[5]))
                except ValueError:
                    problems.append(f"OBX-5 not a number: {seg[5]}")
                if str(seg(6)(1)(3)) != "UCUM":
                    problems.append(f"OBX-6 not UCUM: {seg[6]}")
            if vt == "CWE" and str(seg(3)(1)(1)) != "abstention":
                if str(seg(5)(1)(3)) != "HL70078" or str(seg(5)(1)(1)) not in ("POS", "NEG", "IND"):
                    problems.append(f"OBX-5 decision not from table 0078: {seg[5]}")
    # Re-joined, python-hl7's parse gives back the text: no delimiter was left unescaped inside a value.
    if str(m).rstrip("\r") != text.rstrip("\r"):
        problems.append("python-hl7 does not give back the same text")
    return control, ids, problems


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    path, mllp = sys.argv[1], "--mllp" in sys.argv[2:]
    seen = set()
    failed = False
    msgs = messages(path, mllp)
    for i, text in enumerate(msgs, 1):
        control, ids, problems = check(text)
        if control in seen:
            problems.append(f"MSH-10 {control} repeated")
        seen.add(control)
        print(f"message {i} ({control}): {len(ids)} segments {'-'.join(ids)}: {'OK' if not problems else '; '.join(problems)}")
        failed = failed or bool(problems)
    print(f"{len(msgs)} messages, {'problems found' if failed else 'all OK'} (python-hl7 {getattr(hl7, '__version__', '?')})")
    return 1 if failed or not msgs else 0


if __name__ == "__main__":
    sys.exit(main())
