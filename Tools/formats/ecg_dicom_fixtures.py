#!/usr/bin/env python3
"""Reference fixtures for the DICOM ECG waveform reader (Sources/ECGFormats/DICOMECGReader.swift).

Needs (not needed by CI; the outputs are committed): pydicom 3.0.2, numpy.
    pip install pydicom==3.0.2 numpy

Run from the repository root:  python3 Tools/formats/ecg_dicom_fixtures.py

What it writes
- SampleData/ecg/pydicom-3.0.2_waveform_ecg.dcm: copied from /work/shared/data/ecg/ when that folder exists
  (pydicom's own test file, MIT; provenance in SampleData/ecg/README.md).
- Tests/ECGFormatsTests/Fixtures/dicom/reference.json: for that real file and for synth_ok.dcm, per
  multiplex group and lead the values of pydicom's ds.waveform_array(i) (stored x sensitivity x correction
  + baseline, float64) converted to mV in float64 (microvolts divided by 1000), as the first and last 200
  samples (all samples for the small synthetic file), sum, min and max; plus the annotation items read with
  pydicom: statements, measurements and sample-position annotations.
- Tests/ECGFormatsTests/Fixtures/dicom/synth_ok.dcm: a small synthetic General ECG file (no patient data)
  exercising what the real file does not: nonzero baseline, correction factor != 1, mV units, 8-bit samples,
  a padding value (its samples are NaN in the reference; pydicom itself does not apply padding), MDC lead
  codes, a non-voltage channel, a lead-specific measurement, fiducials in the median-beat group.
- Tests/ECGFormatsTests/Fixtures/dicom/bad_*.dcm: defective variants of synth_ok.dcm for the error tests.
Deterministic: fixed UIDs, fixed dates, no random numbers.
"""
import copy
import json
import os
import shutil

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "Tests", "ECGFormatsTests", "Fixtures", "dicom")
SAMPLE = os.path.join(ROOT, "SampleData", "ecg")
SHARED = "/work/shared/data/ecg/pydicom-3.0.2_waveform_ecg.dcm"
REAL_NAME = "pydicom-3.0.2_waveform_ecg.dcm"
GENERATOR = "Tools/formats/ecg_dicom_fixtures.py (pydicom %s, numpy %s)" % (pydicom.__version__, np.__version__)
EDGE = 200

GENERAL_ECG = "1.2.840.10008.5.1.4.1.1.9.1.2"
UV_TO_MV = {"uV": 1000.0, "mV": 1.0, "V": 0.001}


def code(value, scheme, meaning):
    item = Dataset()
    item.CodeValue = value
    item.CodingSchemeDesignator = scheme
    item.CodeMeaning = meaning
    return Sequence([item])


def to_mv(values, unit):
    """float64 microvolts (or mV, V) to mV the way the reader does: divide for sub-mV units."""
    if unit == "uV":
        return values / 1000.0
    if unit == "mV":
        return values * 1.0
    if unit == "V":
        return values * 1000.0
    return None


def f(x):
    return None if (isinstance(x, float) and np.isnan(x)) else float(x)


def group_reference(ds, index, full=False):
    item = ds.WaveformSequence[index]
    arr = ds.waveform_array(index)  # pydicom: stored * sensitivity * correction + baseline, float64
    raw = None
    padding = None
    if "WaveformPaddingValue" in item:
        dtype = {("SS", 16): "<i2", ("US", 16): "<u2", ("SB", 8): "i1", ("UB", 8): "u1"}[
            (item.WaveformSampleInterpretation, item.WaveformBitsAllocated)]
        padding = int(np.frombuffer(item.WaveformPaddingValue[: np.dtype(dtype).itemsize], dtype=dtype)[0])
        n = item.NumberOfWaveformSamples * item.NumberOfWaveformChannels
        raw = np.frombuffer(item.WaveformData[: n * np.dtype(dtype).itemsize], dtype=dtype).reshape(
            item.NumberOfWaveformSamples, item.NumberOfWaveformChannels)
    leads = []
    for c, ch in enumerate(item.ChannelDefinitionSequence):
        src = ch.ChannelSourceSequence[0] if "ChannelSourceSequence" in ch else None
        units = ch.ChannelSensitivityUnitsSequence[0].CodeValue if "ChannelSensitivityUnitsSequence" in ch else None
        mv = to_mv(arr[:, c].astype(np.float64), units)
        if mv is None:
            leads.append({"channel": c + 1, "code_value": src.CodeValue if src else None,
                          "code_meaning": src.CodeMeaning if src else None, "voltage": False})
            continue
        if padding is not None:
            mv = np.where(raw[:, c] == padding, np.nan, mv)
        entry = {
            "channel": c + 1,
            "code_value": src.CodeValue if src else None,
            "code_meaning": src.CodeMeaning if src else None,
            "label": ch.get("ChannelLabel"),
            "units": units,
            "voltage": True,
            "nan_count": int(np.isnan(mv).sum()),
            "sum": float(np.nansum(mv)),
            "min": float(np.nanmin(mv)),
            "max": float(np.nanmax(mv)),
        }
        if full:
            entry["samples"] = [f(v) for v in mv]
        else:
            entry["first"] = [f(v) for v in mv[:EDGE]]
            entry["last"] = [f(v) for v in mv[-EDGE:]]
        leads.append(entry)
    return {
        "index": index,
        "label": item.get("MultiplexGroupLabel"),
        "sampling_frequency": float(item.SamplingFrequency),
        "samples": int(item.NumberOfWaveformSamples),
        "channels": int(item.NumberOfWaveformChannels),
        "leads": leads,
    }


def annotation_reference(ds):
    statements, measurements, points = [], [], []
    for item in ds.get("WaveformAnnotationSequence", []):
        refs = list(item.get("ReferencedWaveformChannels", []))
        name = item.ConceptNameCodeSequence[0] if "ConceptNameCodeSequence" in item else None
        if "ReferencedSamplePositions" in item:
            pos = item.ReferencedSamplePositions
            pos = list(pos) if isinstance(pos, (list, pydicom.multival.MultiValue)) else [pos]
            for p in pos:
                points.append({"group": int(refs[0]), "channel": int(refs[1]), "position": int(p),
                               "code_value": name.CodeValue if name else None,
                               "code_meaning": name.CodeMeaning if name else None,
                               "annotation_group": int(item.get("AnnotationGroupNumber", 0))})
        elif "NumericValue" in item:
            units = item.MeasurementUnitsCodeSequence[0].CodeValue if "MeasurementUnitsCodeSequence" in item else ""
            measurements.append({"name": name.CodeMeaning, "value": float(item.NumericValue), "unit": units,
                                 "group": int(refs[0]), "channel": int(refs[1])})
        elif "UnformattedTextValue" in item:
            statements.append(str(item.UnformattedTextValue))
    return statements, measurements, points


def file_reference(path, full):
    ds = pydicom.dcmread(path)
    statements, measurements, points = annotation_reference(ds)
    return {
        "file": os.path.basename(path),
        "sop_class": str(ds.SOPClassUID),
        "groups": [group_reference(ds, i, full) for i in range(len(ds.WaveformSequence))],
        "statements": statements,
        "measurements": measurements,
        "points": points,
        "device": " ".join(str(ds.get(k)) for k in ("Manufacturer", "ManufacturerModelName", "SoftwareVersions")
                           if ds.get(k)),
    }


# ---- synthetic file -------------------------------------------------------------------------------------

def channel(source, units, sensitivity, correction="1", baseline="0", label=None):
    ch = Dataset()
    if label is not None:
        ch.ChannelLabel = label
    ch.ChannelSourceSequence = code(*source)
    if sensitivity is not None:
        ch.ChannelSensitivity = sensitivity
        if units is not None:
            ch.ChannelSensitivityUnitsSequence = code(*units)
        ch.ChannelSensitivityCorrectionFactor = correction
        ch.ChannelBaseline = baseline
    return ch


UV = ("uV", "UCUM", "microvolt")
MV = ("mV", "UCUM", "millivolt")
MMHG = ("mm[Hg]", "UCUM", "mmHg")


def synth_dataset():
    """A small General ECG: group 1 RHYTHM (4 channels x 50 samples, int16), group 2 MEDIAN (2 x 20, int8)."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = GENERAL_ECG
    meta.MediaStorageSOPInstanceUID = "2.25.111111111111111111111111111111111111"
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = "2.25.222222222222222222222222222222222222"
    ds = Dataset()
    ds.file_meta = meta
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID = GENERAL_ECG
    ds.SOPInstanceUID = "2.25.111111111111111111111111111111111111"
    ds.Modality = "ECG"
    ds.ContentDate = "20200102"
    ds.ContentTime = "030405"
    ds.AcquisitionDateTime = "20200102030405"
    ds.Manufacturer = "Vigil synthetic"
    ds.PatientID = "SYNTH-0002"

    # Rhythm: int16, 4 channels x 50 samples, 500 Hz; the last stored value of channel 1 is the padding value.
    n, nch = 50, 4
    t = np.arange(n)
    stored = np.zeros((n, nch), dtype="<i2")
    stored[:, 0] = (np.round(400 * np.sin(2 * np.pi * t / 25))).astype("<i2")
    stored[:, 1] = (t * 37 - 900).astype("<i2")
    stored[:, 2] = (np.round(-300 * np.cos(2 * np.pi * t / 10))).astype("<i2")
    stored[:, 3] = (t * 3).astype("<i2")
    stored[n - 1, 0] = -32768
    stored[7, 0] = -32768
    g1 = Dataset()
    g1.MultiplexGroupLabel = "RHYTHM"
    g1.NumberOfWaveformChannels = nch
    g1.NumberOfWaveformSamples = n
    g1.SamplingFrequency = "500"
    g1.WaveformBitsAllocated = 16
    g1.WaveformSampleInterpretation = "SS"
    g1.add_new(0x5400100A, "OW", np.array([-32768], dtype="<i2").tobytes())
    g1.ChannelDefinitionSequence = Sequence([
        channel(("2:1", "MDC", "Lead I"), UV, "2.5", correction="0.98", baseline="-100"),
        channel(("2:2", "MDC", "Lead II"), MV, "0.005", correction="1.02", baseline="0.25"),
        channel(("9999", "99LOCAL", "Lead V1 (chest)"), UV, "1", label="chest 1"),
        channel(("9998", "99LOCAL", "Arterial pressure"), MMHG, "0.1"),
    ])
    g1.add_new(0x54001010, "OW", stored.tobytes())

    # Median: int8, 2 channels x 20 samples, 250 Hz, no label (classified by duration).
    m, mch = 20, 2
    s2 = np.zeros((m, mch), dtype="i1")
    s2[:, 0] = (np.arange(m) * 6 - 60).astype("i1")
    s2[:, 1] = (100 - np.arange(m) * 9).astype("i1")
    g2 = Dataset()
    g2.NumberOfWaveformChannels = mch
    g2.NumberOfWaveformSamples = m
    g2.SamplingFrequency = "250"
    g2.WaveformBitsAllocated = 8
    g2.WaveformSampleInterpretation = "SB"
    g2.ChannelDefinitionSequence = Sequence([
        channel(("5.6.3-9-62", "SCPECG", "Lead aVR"), UV, "20", baseline="5"),
        channel(("5.6.3-9-8", "SCPECG", "Lead V6"), UV, "20"),
    ])
    g2.add_new(0x54001010, "OB", s2.tobytes())
    ds.WaveformSequence = Sequence([g1, g2])

    def ann(refs, **kw):
        a = Dataset()
        a.ReferencedWaveformChannels = refs
        for k, v in kw.items():
            setattr(a, k, v)
        return a

    anns = [
        ann([1, 0], AnnotationGroupNumber=0, UnformattedTextValue="Synthetic statement one"),
        ann([1, 0], AnnotationGroupNumber=0, UnformattedTextValue="Ritmo sinusale è normale"),
        ann([1, 0], AnnotationGroupNumber=1, ConceptNameCodeSequence=code("5.13.5-9", "SCPECG", "QRS Duration"),
            NumericValue="88", MeasurementUnitsCodeSequence=code("ms", "UCUM", "milliseconds")),
        ann([1, 2], AnnotationGroupNumber=1, ConceptNameCodeSequence=code("5.10.3-12", "SCPECG", "R Amplitude"),
            NumericValue="1.125", MeasurementUnitsCodeSequence=code("mV", "UCUM", "millivolt")),
        ann([2, 0], AnnotationGroupNumber=2, ConceptNameCodeSequence=code("5.10.3-3", "SCPECG", "QRS Onset"),
            TemporalRangeType="POINT", ReferencedSamplePositions=5),
        ann([1, 0], AnnotationGroupNumber=3, ConceptNameCodeSequence=code("5.7.1-3", "SCPECG", "Fiducial Point"),
            TemporalRangeType="MULTIPOINT", ReferencedSamplePositions=[12, 40]),
        ann([1, 0], AnnotationGroupNumber=4, ConceptNameCodeSequence=code("5.7.1-3", "SCPECG", "Fiducial Point"),
            TemporalRangeType="POINT", ReferencedSamplePositions=51),  # outside the group: left out with a note
    ]
    ds.WaveformAnnotationSequence = Sequence(anns)
    return ds


def save(ds, name):
    path = os.path.join(OUT, name)
    ds.save_as(path, enforce_file_format=True)
    return path


def main():
    os.makedirs(OUT, exist_ok=True)
    if os.path.exists(SHARED):
        shutil.copyfile(SHARED, os.path.join(SAMPLE, REAL_NAME))
    real = os.path.join(SAMPLE, REAL_NAME)

    ok = synth_dataset()
    save(ok, "synth_ok.dcm")

    ref = {
        "generator": GENERATOR,
        "formula": "pydicom waveform_array: stored * ChannelSensitivity * CorrectionFactor + ChannelBaseline; "
                   "uV -> mV by /1000 (float64); NaN where stored == WaveformPaddingValue",
        "files": [file_reference(real, full=False), file_reference(os.path.join(OUT, "synth_ok.dcm"), full=True)],
    }
    with open(os.path.join(OUT, "reference.json"), "w") as fh:
        json.dump(ref, fh, indent=1, ensure_ascii=False)
        fh.write("\n")

    # ---- defective variants ----
    d = copy.deepcopy(ok)
    d.WaveformSequence[0].WaveformData = d.WaveformSequence[0].WaveformData[:-2]
    save(d, "bad_length.dcm")

    d = copy.deepcopy(ok)
    d.WaveformSequence[0].WaveformSampleInterpretation = "ZZ"
    save(d, "bad_interpretation.dcm")

    d = copy.deepcopy(ok)
    d.WaveformSequence[1].WaveformBitsAllocated = 16
    save(d, "bad_bits.dcm")

    d = copy.deepcopy(ok)
    del d.WaveformSequence
    save(d, "bad_no_waveform_sequence.dcm")

    d = copy.deepcopy(ok)
    del d.WaveformSequence[0].ChannelDefinitionSequence
    save(d, "bad_no_channel_definitions.dcm")

    d = copy.deepcopy(ok)
    del d.WaveformSequence[0].ChannelDefinitionSequence[0].ChannelSensitivityUnitsSequence
    save(d, "bad_no_units.dcm")

    d = copy.deepcopy(ok)
    d.WaveformSequence[0].SamplingFrequency = "0"
    save(d, "bad_zero_rate.dcm")

    d = copy.deepcopy(ok)
    del d.WaveformSequence[0].NumberOfWaveformSamples
    save(d, "bad_no_sample_count.dcm")

    d = copy.deepcopy(ok)
    d.WaveformSequence[0].NumberOfWaveformChannels = 65535
    d.WaveformSequence[0].NumberOfWaveformSamples = 4294967295
    save(d, "bad_absurd_size.dcm")

    d = copy.deepcopy(ok)
    d.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"  # CT Image Storage
    d.file_meta.MediaStorageSOPClassUID = d.SOPClassUID
    save(d, "bad_not_ecg.dcm")

    # Truncated in the middle of the rhythm Waveform Data.
    data = open(os.path.join(OUT, "synth_ok.dcm"), "rb").read()
    with open(os.path.join(OUT, "bad_truncated.dcm"), "wb") as fh:
        fh.write(data[: len(data) - 300])


if __name__ == "__main__":
    main()
