#!/usr/bin/env python3
"""Reference fixtures for the ECGFormats tests (Tests/ECGFormatsTests/Fixtures/) and the synthetic
sample files in SampleData/ecg/.

Needs (not needed by CI; the outputs are committed): wfdb (4.3.1 used), numpy.
    pip install wfdb numpy

Run from the repository root:  python3 Tools/formats/ecg_fixtures.py

What it does
- WFDB: writes small synthetic records with wfdb-python's `wrsamp` (formats 16, 212, 80, 61, 160, 24, 32,
  a multi-file record, µV units, invalid samples, 2 samples per frame) and an annotated record with
  `wrann` (beats, rhythm changes with aux text, noise, a gap > 1023 samples that needs SKIP, subtype,
  chan, num); reads every record back with `rdrecord` (physical, smooth_frames=True) / `rdann`, and
  writes the physical values (converted to mV in float64 where the unit is µV) to wfdb_reference.json.
  The real MIT-BIH 208 excerpt (SampleData/ecg/mitdb208_excerpt) gets first/last 400 samples and sums.
- CSV, GE MUSE XML and HL7 aECG: writes small synthetic, schema-faithful files from the documented
  structure (no vendor file can be downloaded here) and their expected values computed with numpy
  (float64): xml_reference.json, csv_reference.json.
- Bad inputs for the error tests: Tests/ECGFormatsTests/Fixtures/bad/.
- Real files: copies MIT-BIH 208 (excerpt) and pyhrv's SampleECG.txt from /work/shared/data/ecg/ into
  SampleData/ecg/ when that folder exists (provenance and licences: SampleData/ecg/README.md).
Deterministic: fixed seeds, fixed dates.
"""
import base64
import json
import math
import os
import shutil

import numpy as np
import wfdb

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIX = os.path.join(ROOT, "Tests", "ECGFormatsTests", "Fixtures")
WF = os.path.join(FIX, "wfdb")
BAD = os.path.join(FIX, "bad")
SAMPLE = os.path.join(ROOT, "SampleData", "ecg")
GENERATOR = "Tools/formats/ecg_fixtures.py (wfdb %s, numpy %s)" % (wfdb.__version__, np.__version__)


def clean(v):
    """float64 → JSON number; NaN → None."""
    v = float(v)
    return None if math.isnan(v) else v


def synthetic_ecg(n, fs, seed, leads):
    """A smooth ECG-like test signal (sum of sines plus small noise) in mV, shape (n, leads)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / fs
    cols = []
    for k in range(leads):
        x = 0.8 * np.sin(2 * np.pi * 1.2 * t + k) + 0.2 * np.sin(2 * np.pi * 7.0 * t + 0.5 * k)
        x += 0.02 * rng.standard_normal(n)
        cols.append(x)
    return np.stack(cols, axis=1)


def pack(d, fmt):
    """Interleaved digital samples (1-D, frame order) → bytes in WFDB format 212, 61 or 160."""
    d = np.asarray(d, dtype=np.int64)
    if fmt == "61":
        return d.astype(">i2").tobytes()
    if fmt == "160":
        return (d + 32768).astype("<u2").tobytes()
    if fmt == "212":
        out = bytearray()
        for k in range(0, len(d), 2):
            a = int(d[k]) & 0xFFF
            if k + 1 < len(d):
                b = int(d[k + 1]) & 0xFFF
                out += bytes([a & 0xFF, ((a >> 8) & 0x0F) | ((b >> 8) << 4), b & 0xFF])
            else:
                out += bytes([a & 0xFF, (a >> 8) & 0x0F])
        return bytes(out)
    raise ValueError(fmt)


def repack_dat(path, fmt):
    """Rewrites a format-16 record written by wrsamp in another format (header format fields too)."""
    rec = wfdb.rdrecord(path, physical=False)
    with open(path + ".dat", "wb") as f:
        f.write(pack(rec.d_signal.reshape(-1), fmt))
    lines = open(path + ".hea").read().splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        parts = line.split(" ")
        if len(parts) > 1 and parts[1] == "16":
            parts[1] = fmt
        out.append(" ".join(parts))
    with open(path + ".hea", "w") as f:
        f.write("\n".join(out) + "\n")


def reference_for(rec_dir, name, full=True, edge=400, ann=None):
    rec = wfdb.rdrecord(os.path.join(rec_dir, name), physical=True, smooth_frames=True)
    out = {"name": name, "fs": float(rec.fs), "sig_len": int(rec.sig_len), "leads": []}
    for i, label in enumerate(rec.sig_name):
        col = rec.p_signal[:, i].astype(np.float64)
        unit = rec.units[i]
        if unit in ("uV", "µV"):
            col = col / 1000.0  # the reader reports mV
        entry = {
            "label": label,
            "units": unit,
            "fmt": rec.fmt[i],
            "adc_gain": float(rec.adc_gain[i]),
            "baseline": int(rec.baseline[i]),
            "checksum": int(rec.checksum[i]) if rec.checksum is not None else None,
            "nan_count": int(np.isnan(col).sum()),
            "sum": float(np.nansum(col)),
            "min": float(np.nanmin(col)),
            "max": float(np.nanmax(col)),
        }
        if full:
            entry["samples"] = [clean(v) for v in col]
        else:
            entry["first"] = [clean(v) for v in col[:edge]]
            entry["last"] = [clean(v) for v in col[-edge:]]
        out["leads"].append(entry)
    if ann:
        a = wfdb.rdann(os.path.join(rec_dir, name), ann)
        out["annotations"] = [
            {"sample": int(a.sample[k]), "symbol": a.symbol[k], "subtype": int(a.subtype[k]),
             "chan": int(a.chan[k]), "num": int(a.num[k]), "aux": a.aux_note[k]}
            for k in range(len(a.sample))
        ]
    return out


def write_wfdb_records():
    os.makedirs(WF, exist_ok=True)
    refs = []
    # One record per format, 2 leads, 500 Hz, 257 samples (odd: exercises the 212 tail). wfdb-python
    # writes 16, 80, 24, 32 itself; 212, 61 and 160 are re-encoded here from the format-16 digital
    # samples (repack_dat) and read back by rdrecord, which is the reference.
    for fmt, gain in [("16", 200.0), ("212", 200.0), ("80", 50.0), ("61", 400.0), ("160", 400.0),
                      ("24", 10000.0), ("32", 100000.0)]:
        name = "fmt%s" % fmt
        x = synthetic_ecg(257, 500, int(fmt), 2)
        if fmt == "80":
            x = x * 0.8  # keep within 8 bits at gain 50
        native = fmt in ("16", "80", "24", "32")
        wfdb.wrsamp(name, fs=500, units=["mV", "mV"], sig_name=["I", "II"], p_signal=x,
                    fmt=[fmt, fmt] if native else ["16", "16"], adc_gain=[gain, gain], baseline=[0, 0],
                    write_dir=WF)
        if not native:
            repack_dat(os.path.join(WF, name), fmt)
        refs.append(reference_for(WF, name))
    # µV units and a frequency with a counter frequency field, invalid samples (NaN) in fmt 16.
    x = synthetic_ecg(300, 250, 7, 3) * 1000.0
    x[10, 0] = np.nan
    x[11, 0] = np.nan
    x[200, 2] = np.nan
    wfdb.wrsamp("microvolts", fs=250, units=["uV", "uV", "uV"], sig_name=["V1", "V2", "v3"],
                p_signal=x, fmt=["16"] * 3, adc_gain=[1.0] * 3, baseline=[-5, 0, 5], write_dir=WF)
    refs.append(reference_for(WF, "microvolts"))
    # Multi-file record: two leads in format 16 in one file, one lead in format 212 in another.
    x = synthetic_ecg(400, 360, 11, 3)
    rec = wfdb.Record(record_name="multifile", n_sig=3, fs=360, sig_len=400,
                      file_name=["multifile.dat", "multifile.dat", "multifile_2.dat"],
                      fmt=["16", "16", "80"], adc_gain=[200.0, 200.0, 50.0], baseline=[0, 10, 3],
                      units=["mV"] * 3, sig_name=["MLII", "V5", "avf"], p_signal=x,
                      base_time=__import__("datetime").time(10, 30, 0),
                      base_date=__import__("datetime").date(2001, 2, 3),
                      comments=["synthetic multi-file test record"])
    rec.set_d_features(do_adc=True)
    rec.set_defaults()
    rec.wrsamp(write_dir=WF)
    refs.append(reference_for(WF, "multifile"))
    # Two samples per frame on the first signal (wfdb averages them with smooth_frames=True).
    n = 200
    hi = synthetic_ecg(2 * n, 500, 13, 1)[:, 0]
    lo = synthetic_ecg(n, 250, 14, 1)[:, 0]
    d_hi = np.round(hi * 200).astype(np.int64)
    d_lo = np.round(lo * 200).astype(np.int64)
    wfdb.wrsamp("spf2", fs=250, units=["mV", "mV"], sig_name=["II", "V2"],
                e_d_signal=[d_hi, d_lo], samps_per_frame=[2, 1], fmt=["16", "16"],
                adc_gain=[200.0, 200.0], baseline=[0, 0], write_dir=WF)
    refs.append(reference_for(WF, "spf2"))
    # Annotated record (also the SampleData demo record).
    fs = 360
    n = 3600
    x = synthetic_ecg(n, fs, 21, 2)
    wfdb.wrsamp("synth_annotated", fs=fs, units=["mV", "mV"], sig_name=["MLII", "V1"], p_signal=x,
                fmt=["16", "16"], adc_gain=[200.0, 200.0], baseline=[1024, 1024], write_dir=SAMPLE)
    repack_dat(os.path.join(SAMPLE, "synth_annotated"), "212")
    samples = [5, 300, 600, 900, 1000, 1200, 1500, 1800, 3300, 3350, 3400, 3500]
    symbols = ["+", "N", "N", "V", "|", "N", "A", "+", "N", "~", "/", "N"]
    aux = ["(N", "", "", "", "", "", "", "(AFIB", "", "noise", "", ""]
    subtype = [0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0]
    chan = [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    num = [0, 0, 0, 0, 0, 3, 3, 3, 5, 0, 0, 0]
    wfdb.wrann("synth_annotated", "atr", np.array(samples), symbol=symbols, subtype=np.array(subtype),
               chan=np.array(chan), num=np.array(num), aux_note=aux, fs=fs, write_dir=SAMPLE)
    refs.append(reference_for(SAMPLE, "synth_annotated", full=False, edge=200, ann="atr"))
    # The real MIT-BIH excerpt.
    refs.append(reference_for(SAMPLE, "mitdb208_excerpt", full=False, edge=400))
    with open(os.path.join(FIX, "wfdb_reference.json"), "w") as f:
        json.dump({"generator": GENERATOR, "records": refs}, f, indent=0)


def b64_int16(values):
    return base64.b64encode(np.asarray(values, dtype="<i2").tobytes()).decode("ascii")


def muse_xml():
    """A GE MUSE resting ECG with I, II, V1-V6 rhythm (500 Hz, 2 s) and median (500 Hz, 0.6 s) waveforms."""
    fs = 500
    upb = 4.88  # µV per bit, as MUSE writes it
    n_r, n_m = 1000, 300
    t = np.arange(n_r) / fs
    leads = ["I", "II", "V1", "V2", "V3", "V4", "V5", "V6"]
    rhythm = {}
    median = {}
    for k, name in enumerate(leads):
        amp_mv = 0.5 + 0.1 * k  # amplitude in mV
        rhythm[name] = np.round(amp_mv * 1000.0 / upb * np.sin(2 * np.pi * 1.0 * t + 0.3 * k)).astype(np.int16)
        tm = np.arange(n_m) / fs
        median[name] = np.round(1.2 * 1000.0 / upb * np.exp(-((tm - 0.3) / 0.02) ** 2) * (1 + 0.1 * k)).astype(np.int16)

    def waveform(kind, data, n):
        parts = ["  <Waveform>", "    <WaveformType>%s</WaveformType>" % kind,
                 "    <WaveformStartTime>0</WaveformStartTime>", "    <NumberofLeads>8</NumberofLeads>",
                 "    <SampleType>CONTINUOUS_SAMPLES</SampleType>", "    <SampleBase>%d</SampleBase>" % fs,
                 "    <SampleExponent>0</SampleExponent>", "    <HighPassFilter>56</HighPassFilter>",
                 "    <LowPassFilter>150</LowPassFilter>", "    <ACFilter>60</ACFilter>"]
        for name in leads:
            parts += ["    <LeadData>", "      <LeadByteCountTotal>%d</LeadByteCountTotal>" % (2 * n),
                      "      <LeadTimeOffset>0</LeadTimeOffset>",
                      "      <LeadSampleCountTotal>%d</LeadSampleCountTotal>" % n,
                      "      <LeadAmplitudeUnitsPerBit>%s</LeadAmplitudeUnitsPerBit>" % upb,
                      "      <LeadAmplitudeUnits>MICROVOLTS</LeadAmplitudeUnits>",
                      "      <LeadHighLimit>32767</LeadHighLimit>", "      <LeadLowLimit>-32768</LeadLowLimit>",
                      "      <LeadID>%s</LeadID>" % name, "      <LeadOffsetFirstSample>0</LeadOffsetFirstSample>",
                      "      <FirstSampleBaseline>0</FirstSampleBaseline>",
                      "      <LeadSampleSize>2</LeadSampleSize>", "      <LeadOff>FALSE</LeadOff>",
                      "      <BaselineSway>FALSE</BaselineSway>", "      <LeadDataCRC32>0</LeadDataCRC32>",
                      "      <WaveFormData>%s</WaveFormData>" % b64_int16(data[name]), "    </LeadData>"]
        parts.append("  </Waveform>")
        return "\n".join(parts)

    xml = "\n".join([
        '<?xml version="1.0" encoding="ISO-8859-1"?>',
        '<!DOCTYPE RestingECG SYSTEM "restecg.dtd">',
        "<RestingECG>",
        "  <MuseInfo><MuseVersion>9.0.0.00000</MuseVersion></MuseInfo>",
        "  <PatientDemographics><PatientID>SYNTH-0001</PatientID><PatientLastName>TEST</PatientLastName>"
        "<PatientFirstName>SYNTHETIC</PatientFirstName></PatientDemographics>",
        "  <TestDemographics><DataType>RESTING</DataType><Site>1</Site><AcquisitionDevice>MAC5500</AcquisitionDevice>"
        "<AcquisitionSoftwareVersion>010A</AcquisitionSoftwareVersion>"
        "<AcquisitionTime>09:30:00</AcquisitionTime><AcquisitionDate>08-12-2013</AcquisitionDate></TestDemographics>",
        "  <RestingECGMeasurements><VentricularRate>60</VentricularRate><AtrialRate>60</AtrialRate>"
        "<PRInterval>160</PRInterval><QRSDuration>92</QRSDuration><QTInterval>400</QTInterval>"
        "<QTCorrected>400</QTCorrected><PAxis>55</PAxis><RAxis>40</RAxis><TAxis>35</TAxis>"
        "<QRSCount>2</QRSCount></RestingECGMeasurements>",
        "  <Diagnosis><Modality>RESTING</Modality>"
        "<DiagnosisStatement><StmtFlag>ENDSLINE</StmtFlag><StmtText>Normal sinus rhythm</StmtText></DiagnosisStatement>"
        "<DiagnosisStatement><StmtFlag>ENDSLINE</StmtFlag><StmtText>Normal ECG</StmtText></DiagnosisStatement>"
        "</Diagnosis>",
        waveform("Median", median, n_m),
        waveform("Rhythm", rhythm, n_r),
        "</RestingECG>", ""])
    with open(os.path.join(SAMPLE, "synthetic_muse.xml"), "w", encoding="latin-1") as f:
        f.write(xml)

    def phys(d):
        return np.asarray(d, dtype=np.float64) * upb / 1000.0

    def with_derived(data):
        out = {k: phys(v) for k, v in data.items()}
        i, ii = out["I"], out["II"]
        out["III"] = ii - i
        out["aVR"] = -(i + ii) / 2
        out["aVL"] = i - ii / 2
        out["aVF"] = ii - i / 2
        return out

    r = with_derived(rhythm)
    m = with_derived(median)
    return {"file": "synthetic_muse.xml", "fs": fs, "units_per_bit_uV": upb,
            "rhythm": {k: [float(x) for x in v] for k, v in r.items()},
            "median": {k: [float(x) for x in v] for k, v in m.items()},
            "statements": ["Normal sinus rhythm", "Normal ECG"],
            "measurements": {"VentricularRate": 60, "PRInterval": 160, "QRSDuration": 92, "QTInterval": 400,
                             "QTCorrected": 400, "PAxis": 55, "RAxis": 40, "TAxis": 35}}


def aecg_xml():
    """An HL7 aECG (urn:hl7-org:v3) with a rhythm series of 3 leads at 500 Hz, digits in µV units."""
    fs = 500
    n = 500
    inc = 1.0 / fs
    origin = [0.0, -5.0, 10.0]
    scale = [2.5, 5.0, 1.0]  # µV per digit
    codes = ["MDC_ECG_LEAD_I", "MDC_ECG_LEAD_II", "MDC_ECG_LEAD_V1"]
    rng = np.random.default_rng(5)
    digits = []
    for k in range(3):
        t = np.arange(n) / fs
        d = np.round(400 * np.sin(2 * np.pi * 1.5 * t + k) + 5 * rng.standard_normal(n)).astype(int)
        digits.append(d)
    seqs = []
    seqs.append("""<component><sequence><code code="TIME_ABSOLUTE" codeSystem="2.16.840.1.113883.5.4"/>
<value xsi:type="GLIST_TS"><head value="20130812093000.000"/><increment value="%r" unit="s"/></value>
</sequence></component>""" % inc)
    for k in range(3):
        seqs.append("""<component><sequence><code code="%s" codeSystem="2.16.840.1.113883.6.24" codeSystemName="MDC"/>
<value xsi:type="SLIST_PQ"><origin value="%r" unit="uV"/><scale value="%r" unit="uV"/>
<digits>%s</digits></value></sequence></component>""" % (codes[k], origin[k], scale[k], " ".join(str(v) for v in digits[k])))
    xml = """<?xml version="1.0" encoding="UTF-8"?>
<AnnotatedECG xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<id root="2.16.840.1.113883.3.999.1" extension="SYNTH-AECG-1"/>
<code code="93000" codeSystem="2.16.840.1.113883.6.12"/>
<effectiveTime><low value="20130812093000"/><high value="20130812093001"/></effectiveTime>
<componentOf><timepointEvent><componentOf><subjectAssignment><subject><trialSubject>
<id root="2.16.840.1.113883.3.999.2" extension="SUBJ-0001"/></trialSubject></subject></subjectAssignment>
</componentOf></timepointEvent></componentOf>
<component><series><code code="RHYTHM" codeSystem="2.16.840.1.113883.5.4"/>
<effectiveTime><low value="20130812093000"/><high value="20130812093001"/></effectiveTime>
<author><seriesAuthor><manufacturedSeriesDevice><manufacturerModelName>SYNTH-DEVICE</manufacturerModelName>
</manufacturedSeriesDevice></seriesAuthor></author>
<component><sequenceSet>
%s
</sequenceSet></component>
</series></component>
</AnnotatedECG>
""" % "\n".join(seqs)
    with open(os.path.join(SAMPLE, "synthetic_aecg.xml"), "w", encoding="utf-8") as f:
        f.write(xml)
    names = ["I", "II", "V1"]
    return {"file": "synthetic_aecg.xml", "fs": fs,
            "rhythm": {names[k]: [float((origin[k] + scale[k] * float(v)) / 1000.0) for v in digits[k]]
                       for k in range(3)}}


def csv_files():
    fs = 250
    n = 50
    x = synthetic_ecg(n, fs, 31, 3)
    x_uv = np.round(x * 1000.0, 1)
    lines = ["# sampling_rate_hz: %d" % fs, "# units: uV", "time_s,Lead I,ii,V1"]
    for i in range(n):
        lines.append("%s,%s,%s,%s" % (repr(i / fs), repr(float(x_uv[i, 0])), repr(float(x_uv[i, 1])), repr(float(x_uv[i, 2]))))
    with open(os.path.join(SAMPLE, "synthetic_3lead.csv"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return {"file": "synthetic_3lead.csv", "fs": fs, "leads": ["I", "II", "V1"],
            "samples_mV": [[float(v) / 1000.0 for v in x_uv[:, k]] for k in range(3)]}


def opensignals_reference():
    """pyhrv's SampleECG.txt (BITalino, column A2, 10 bit): BITalino ECG transfer function in float64
    (PLUX ECG sensor datasheet): mV = ((ADC / 2**n) - 0.5) * 3.3 / 1100 * 1000."""
    path = os.path.join(SAMPLE, "pyhrv-0.5.0_SampleECG.txt")
    raw = np.loadtxt(path, comments="#", dtype=np.int64)[:, 5]
    mv = ((raw / 2 ** 10) - 0.5) * 3.3 / 1100 * 1000
    return {"file": "pyhrv-0.5.0_SampleECG.txt", "fs": 1000.0, "n": int(len(raw)),
            "first": [float(v) for v in mv[:300]], "last": [float(v) for v in mv[-300:]],
            "sum": float(mv.sum())}


def bad_files():
    os.makedirs(BAD, exist_ok=True)
    src = os.path.join(WF, "fmt16")
    dat = open(src + ".dat", "rb").read()
    hea = open(src + ".hea").read()

    def rec(name, header, data):
        with open(os.path.join(BAD, name + ".hea"), "w") as f:
            f.write(header.replace("fmt16", name))
        if data is not None:
            with open(os.path.join(BAD, name + ".dat"), "wb") as f:
                f.write(data)

    rec("truncated", hea, dat[:100])
    rec("extra_bytes", hea, dat + b"\x00\x00\x00\x00")
    rec("absurd_count", hea.replace(" 257", " 900000000000", 1), dat)
    rec("unknown_format", hea.replace(" 16 ", " 999 "), dat)
    rec("missing_dat", hea, None)
    lines = hea.splitlines()
    fields = lines[1].split()
    fields[6] = str(int(fields[6]) + 1)
    rec("bad_checksum", "\n".join([lines[0], " ".join(fields)] + lines[2:]) + "\n", dat)
    rec("bad_gain", hea.replace("200.0", "abc", 1), dat)
    rec("too_few_signal_lines", "\n".join(lines[:2]) + "\n", dat)
    rec("path_escape", hea.replace("fmt16.dat", "../fmt16.dat"), dat)
    with open(os.path.join(BAD, "garbage.hea"), "wb") as f:
        f.write(bytes(range(256)) * 4)
    # Annotation defects: copy the header/data of fmt16 and add broken .atr files.
    for name, atr in [("ann_odd", b"\x05\x04\x00"),
                      ("ann_no_eof", b"\x05\x04\x05\x04"),
                      ("ann_skip_truncated", b"\x00\xec\x00\x00"),
                      ("ann_aux_overrun", b"\x05\x04\x10\xfc" + b"ab")]:
        rec(name, hea, dat)
        with open(os.path.join(BAD, name + ".atr"), "wb") as f:
            f.write(atr)
    # CSV defects.
    csvs = {
        "ragged.csv": "# sampling_rate_hz: 500\nI,II\n1,2\n3\n",
        "nonnumeric.csv": "# sampling_rate_hz: 500\nI,II\n1,2\n3,abc\n",
        "norate.csv": "I,II\n1,2\n3,4\n",
        "nan.csv": "# sampling_rate_hz: 500\nI,II\n1,2\nNaN,4\n5,6\n",
        "inf.csv": "# sampling_rate_hz: 500\nI,II\n1,2\ninf,4\n",
        "empty.csv": "# sampling_rate_hz: 500\nI,II\n",
    }
    for name, text in csvs.items():
        with open(os.path.join(BAD, name), "w") as f:
            f.write(text)
    # XML defects.
    muse = open(os.path.join(SAMPLE, "synthetic_muse.xml"), encoding="latin-1").read()
    i = muse.index("<WaveFormData>") + len("<WaveFormData>")
    with open(os.path.join(BAD, "muse_bad_base64.xml"), "w", encoding="latin-1") as f:
        f.write(muse[:i] + "!!!not*base64!!!" + muse[muse.index("</WaveFormData>", i):])
    with open(os.path.join(BAD, "muse_truncated.xml"), "w", encoding="latin-1") as f:
        f.write(muse[: len(muse) // 2])
    with open(os.path.join(BAD, "unknown_root.xml"), "w") as f:
        f.write('<?xml version="1.0"?><SomethingElse><a/></SomethingElse>\n')
    aecg = open(os.path.join(SAMPLE, "synthetic_aecg.xml"), encoding="utf-8").read()
    with open(os.path.join(BAD, "aecg_bad_digits.xml"), "w") as f:
        f.write(aecg.replace("<digits>", "<digits>12 x7 ", 1))


SHARED = "/work/shared/data/ecg"
REAL_FILES = ["mitdb208_excerpt.hea", "mitdb208_excerpt.dat", "pyhrv-0.5.0_SampleECG.txt"]


def copy_real_files():
    for name in REAL_FILES:
        src = os.path.join(SHARED, name)
        if os.path.exists(src):
            shutil.copyfile(src, os.path.join(SAMPLE, name))


def main():
    os.makedirs(FIX, exist_ok=True)
    os.makedirs(SAMPLE, exist_ok=True)
    copy_real_files()
    write_wfdb_records()
    xml = {"generator": GENERATOR, "muse": muse_xml(), "aecg": aecg_xml()}
    with open(os.path.join(FIX, "xml_reference.json"), "w") as f:
        json.dump(xml, f)
    with open(os.path.join(FIX, "csv_reference.json"), "w") as f:
        json.dump({"generator": GENERATOR, "csv": csv_files(), "opensignals": opensignals_reference()}, f)
    bad_files()


if __name__ == "__main__":
    main()
