#!/usr/bin/env python3
"""Writes the DICOM / imaging test fixtures and their independent references (pydicom, numpy).

    pip install pydicom==3.0.2 pylibjpeg==2.1.0 pylibjpeg-openjpeg==2.6.0 pylibjpeg-libjpeg==2.5.0 numpy
    python3 Tools/formats/dicom_fixtures.py

Outputs (committed; CI needs no Python):
  Tests/DICOMTests/Fixtures/*.dcm + reference.json      parser parity (element values as pydicom reads them)
  Tests/ImagingFormatsTests/Fixtures/...                 series, multi-frame, JPEG Lossless, PNG + sidecars,
                                                         reference.json (HU as pydicom's modality LUT gives them)
References for the two real files in SampleData/ct come from pydicom (+ pylibjpeg-openjpeg for JPEG 2000):
HU checksums (sum, sum of squares, index-weighted sum, all exact integers) and sampled voxels.

The JPEG Lossless streams are made by a small encoder in this script and checked by decoding them with
libjpeg (pylibjpeg-libjpeg) before they are written; the Swift decoder is then compared with pydicom's decode.
"""
import json
import pathlib
import struct
import zlib

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.pixels import apply_modality_lut
from pydicom.sequence import Sequence
from pydicom.uid import (ExplicitVRLittleEndian, JPEG2000Lossless, ImplicitVRLittleEndian, JPEGLosslessSV1, JPEGLossless,
                         CTImageStorage, EnhancedCTImageStorage)

ROOT = pathlib.Path(__file__).resolve().parents[2]
DFIX = ROOT / "Tests/DICOMTests/Fixtures"
IFIX = ROOT / "Tests/ImagingFormatsTests/Fixtures"
SAMPLES = ROOT / "SampleData/ct"
RNG = np.random.default_rng(20261125)


def uid(n: str) -> str:
    # Fixed UIDs under the 2.25 (UUID-derived) root so that fixtures are reproducible.
    return "2.25." + str(int.from_bytes(n.encode().ljust(12, b"\0")[:12], "big"))


def base_ct(ts, rows, cols, *, series="series-a", inst=1, z=0.0):
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = CTImageStorage
    ds.file_meta.MediaStorageSOPInstanceUID = uid(f"{series}-{inst}")
    ds.file_meta.TransferSyntaxUID = ts
    ds.file_meta.ImplementationClassUID = "2.25.1234"
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = uid(f"{series}-{inst}")
    ds.Modality = "CT"
    ds.Manufacturer = "Vigil Synthetic"
    ds.PatientName = "Synthetic^Phantom"
    ds.StudyInstanceUID = uid("study-1")
    ds.SeriesInstanceUID = uid(series)
    ds.InstanceNumber = inst
    ds.SliceThickness = "2.5"
    ds.KVP = "120"
    ds.BodyPartExamined = "ABDOMEN"
    ds.ContrastBolusAgent = "IOHEXOL"
    ds.ImagePositionPatient = [-100.0, -120.5, z]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.PixelSpacing = [0.75, 0.8]
    ds.Rows = rows
    ds.Columns = cols
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.RescaleSlope = "1"
    ds.RescaleIntercept = "-1024"
    return ds


def save(ds, path, implicit=False):
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(path, implicit_vr=implicit, little_endian=True, enforce_file_format=True)


def hu_reference(ds):
    arr = ds.pixel_array
    hu = apply_modality_lut(arr, ds).astype(np.float64)
    return hu


def checksums(hu: np.ndarray) -> dict:
    flat = hu.reshape(-1)
    assert np.all(flat == np.round(flat)), "checksums need integral HU"
    ints = flat.astype(np.int64)
    idx = np.arange(ints.size, dtype=np.int64)
    samples = sorted(set(int(i) for i in RNG.integers(0, ints.size, 64)))
    return {
        "count": int(ints.size),
        "min": int(ints.min()), "max": int(ints.max()),
        "sum": int(ints.sum()),
        "sumSquares": int((ints * ints).sum()),
        "indexWeightedSum": int(((idx % 9973) * ints).sum()),
        "sampleIndices": samples,
        "sampleValues": [int(ints[i]) for i in samples],
    }


# ---------------------------------------------------------------- JPEG Lossless encoder (T.81 Annex H)
BITS = [0, 0, 6, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]  # code counts for lengths 1..16: 17 symbols
VALS = list(range(17))


def huffman_codes():
    codes, code, k = {}, 0, 0
    for length in range(1, 17):
        for _ in range(BITS[length - 1]):
            codes[VALS[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return codes


class BitWriter:
    def __init__(self):
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def put(self, value, length):
        for i in range(length - 1, -1, -1):
            self.acc = (self.acc << 1) | ((value >> i) & 1)
            self.n += 1
            if self.n == 8:
                self.out.append(self.acc)
                if self.acc == 0xFF:
                    self.out.append(0)
                self.acc, self.n = 0, 0

    def flush(self):
        while self.n:
            self.put(1, 1)


def predict(x, y, c, predictor, initial, first_row):
    if y == first_row:
        return initial if c == 0 else int(x[y, c - 1])
    if c == 0:
        return int(x[y - 1, c])
    ra, rb, rc = int(x[y, c - 1]), int(x[y - 1, c]), int(x[y - 1, c - 1])
    return {1: ra, 2: rb, 3: rc, 4: ra + rb - rc, 5: ra + ((rb - rc) >> 1), 6: rb + ((ra - rc) >> 1),
            7: (ra + rb) >> 1}[predictor]


def jpeg_lossless(arr, precision, predictor=1, pt=0, restart_rows=0):
    h, w = arr.shape
    x = (arr.astype(np.int64) >> pt)
    codes = huffman_codes()
    out = bytearray(b"\xFF\xD8")
    out += b"\xFF\xC3" + struct.pack(">HBHHB", 11, precision, h, w, 1) + bytes([1, 0x11, 0])
    out += b"\xFF\xC4" + struct.pack(">H", 2 + 17 + len(VALS)) + bytes([0x00]) + bytes(BITS) + bytes(VALS)
    if restart_rows:
        out += b"\xFF\xDD" + struct.pack(">HH", 4, restart_rows * w)
    out += b"\xFF\xDA" + struct.pack(">HB", 8, 1) + bytes([1, 0x00, predictor, 0, pt])
    bw = BitWriter()
    initial = 1 << (precision - pt - 1)
    first_row = 0
    rst = 0
    for y in range(h):
        if restart_rows and y > 0 and y % restart_rows == 0:
            bw.flush()
            out += bw.out
            out += bytes([0xFF, 0xD0 + rst % 8])
            rst += 1
            bw = BitWriter()
            first_row = y
        for c in range(w):
            p = predict(x, y, c, predictor, initial, first_row)
            d = (int(x[y, c]) - p) & 0xFFFF
            if d >= 0x8000:
                d -= 0x10000
            if d == -32768:
                bw.put(*codes[16])
                continue
            s = abs(d).bit_length()
            bw.put(*codes[s])
            if s:
                bw.put(d if d > 0 else d + (1 << s) - 1, s)
    bw.flush()
    out += bw.out + b"\xFF\xD9"
    from libjpeg import decode
    back = decode(bytes(out))
    assert np.array_equal(back.astype(np.int64), x << pt), "libjpeg disagrees with the encoder"
    return bytes(out)


# ---------------------------------------------------------------- PNG writer (zlib; independent of libpng)
def png_gray(path, arr, bit_depth):
    h, w = arr.shape
    raw = bytearray()
    for row in arr:
        raw.append(0)
        raw += row.astype(">u2" if bit_depth == 16 else "u1").tobytes()

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bit_depth, 0, 0, 0, 0))
    data += chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b"")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def main():
    dref, iref = {}, {}

    # ------------------------------------------------------------ real files
    for name in ["CT_small.dcm", "PancreasCT_0001_slice122_j2k.dcm"]:
        ds = pydicom.dcmread(SAMPLES / name)
        hu = hu_reference(ds)
        meta_keys = ["Rows", "Columns", "BitsAllocated", "BitsStored", "PixelRepresentation"]
        dref[name] = {
            "transferSyntax": str(ds.file_meta.TransferSyntaxUID),
            "topLevelElementCount": len(ds),
            "characterSet": str(ds.get("SpecificCharacterSet", "")),
            "modality": str(ds.Modality),
            "seriesInstanceUID": str(ds.SeriesInstanceUID),
            "studyInstanceUID": str(ds.StudyInstanceUID),
            "imagePositionPatient": [float(v) for v in ds.ImagePositionPatient],
            "imageOrientationPatient": [float(v) for v in ds.ImageOrientationPatient],
            "pixelSpacing": [float(v) for v in ds.PixelSpacing],
            "rescaleSlope": float(ds.RescaleSlope), "rescaleIntercept": float(ds.RescaleIntercept),
            **{k[0].lower() + k[1:]: int(ds[k].value) for k in meta_keys},
        }
        if name == "CT_small.dcm":
            dref[name].update({"sliceThickness": float(ds.SliceThickness), "kvp": float(ds.KVP),
                               "contrastBolusAgent": str(ds.ContrastBolusAgent), "manufacturer": str(ds.Manufacturer),
                               "privateSS_0019_1057": int(ds[0x00191057].value),
                               "privateFL_0021_1092": float(ds[0x00211092].value),
                               "privateFD_0023_1070": float(ds[0x00231070].value)})
        iref[name] = {"hu": checksums(hu), "shape": list(hu.shape)}

    # ------------------------------------------------------------ parser fixtures
    # 1. Implicit VR, Latin-1 text, nested sequences of undefined length, private tags, multi-valued DS/IS.
    ds = base_ct(ImplicitVRLittleEndian, 4, 3, series="implicit")
    ds.InstitutionName = "Hôpital Saint-Éloi"
    ds.add_new(0x00090010, "LO", "VIGIL")  # private creator
    ds.add_new(0x00091010, "LO", "VIGIL PRIVATE")
    ds.add_new(0x00091011, "OB", b"\x01\x02\x03\x04")
    inner = Dataset()
    inner.CodeValue = "T-65000"
    inner.CodeMeaning = "Pancréas"
    item = Dataset()
    item.Manufacturer = "Item Maker"
    item.AnatomicRegionSequence = Sequence([inner])
    item.AnatomicRegionSequence.is_undefined_length = True
    item.is_undefined_length_sequence_item = True
    inner.is_undefined_length_sequence_item = True
    ds.ReferencedImageSequence = Sequence([item, Dataset()])
    ds.ReferencedImageSequence.is_undefined_length = True
    ds.WindowCenter = ["40", "-600"]
    ds.WindowWidth = ["400", "1500"]
    ds.PixelData = np.arange(12, dtype=np.uint16).tobytes()
    save(ds, DFIX / "implicit_latin1_undefined_sequences.dcm", implicit=True)
    back = pydicom.dcmread(DFIX / "implicit_latin1_undefined_sequences.dcm")
    dref["implicit_latin1_undefined_sequences.dcm"] = {
        "transferSyntax": str(back.file_meta.TransferSyntaxUID),
        "institutionName": str(back.InstitutionName),
        "innerCodeMeaning": str(back.ReferencedImageSequence[0].AnatomicRegionSequence[0].CodeMeaning),
        "itemManufacturer": str(back.ReferencedImageSequence[0].Manufacturer),
        "sequenceItems": len(back.ReferencedImageSequence),
        "windowCenter": [float(v) for v in back.WindowCenter],
        "topLevelElementCount": len(back),
    }

    # 2. Explicit VR, UTF-8, defined-length sequences, binary VRs.
    ds = base_ct(ExplicitVRLittleEndian, 2, 2, series="utf8")
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.SeriesDescription = "Bauchspeicheldrüse 胰腺 CT"
    ds.add_new(0x00181150, "IS", "1601")
    ds.add_new(0x00280106, "US", 7)          # SmallestImagePixelValue
    ds.add_new(0x00189306, "FD", 1.25)        # SingleCollimationWidth
    ds.add_new(0x00189327, "FD", -170.5)      # TablePosition
    ds.add_new(0x00189311, "FD", 0.984375)    # SpiralPitchFactor
    ds.add_new(0x00189345, "FD", 12.5)        # CTDIvol
    ds.add_new(0x00280120, "US", 0)            # PixelPaddingValue
    item = Dataset()
    item.SeriesDescription = "inner ü"
    ds.ReferencedSeriesSequence = Sequence([item])
    ds.PixelData = np.array([1, 2, 3, 4], dtype=np.uint16).tobytes()
    save(ds, DFIX / "explicit_utf8.dcm")
    back = pydicom.dcmread(DFIX / "explicit_utf8.dcm")
    dref["explicit_utf8.dcm"] = {
        "seriesDescription": str(back.SeriesDescription),
        "innerSeriesDescription": str(back.ReferencedSeriesSequence[0].SeriesDescription),
        "ctdiVol": float(back.CTDIvol), "tablePosition": float(back.TablePosition),
        "smallestImagePixelValue": int(back.SmallestImagePixelValue),
        "exposureTime": int(back.ExposureTime),
        "topLevelElementCount": len(back),
    }
    raw = (DFIX / "explicit_utf8.dcm").read_bytes()
    (DFIX / "no_preamble.dcm").write_bytes(raw[132:])

    # 3. Big endian and deflate are refused: only the meta header matters.
    for ts, fname in [("1.2.840.10008.1.2.2", "big_endian_header.dcm"), ("1.2.840.10008.1.2.1.99", "deflated_header.dcm"),
                      ("1.2.3.4.5.6.7", "unknown_ts_header.dcm")]:
        ds = base_ct(ExplicitVRLittleEndian, 2, 2, series=fname)
        ds.PixelData = np.zeros(4, dtype=np.uint16).tobytes()
        save(ds, DFIX / fname)
        b = bytearray((DFIX / fname).read_bytes())
        i = b.index(b"1.2.840.10008.1.2.1\0")
        # rewrite the transfer syntax value in place (same padded length where possible)
        old_len = struct.unpack("<H", b[i - 2:i])[0]
        new = ts.encode() + (b"\0" if len(ts) % 2 else b"")
        b[i - 2:i + old_len] = struct.pack("<H", len(new)) + new
        glen_at = b.index(b"\x02\x00\x00\x00UL") + 8
        glen = struct.unpack("<I", b[glen_at:glen_at + 4])[0] + len(new) - old_len
        b[glen_at:glen_at + 4] = struct.pack("<I", glen)
        (DFIX / fname).write_bytes(bytes(b))

    # ------------------------------------------------------------ series: 5 slices, written in shuffled order
    vol = RNG.integers(0, 4096, size=(5, 6, 7), dtype=np.uint16)
    zs = [-40.0, -37.5, -35.0, -32.5, -30.0]
    order = [3, 0, 4, 1, 2]
    for fileno, k in enumerate(order):
        ds = base_ct(ImplicitVRLittleEndian if k % 2 else ExplicitVRLittleEndian, 6, 7, series="series-a",
                     inst=k + 1, z=zs[k])
        ds.PixelData = vol[k].tobytes()
        save(ds, IFIX / "series_a" / f"file{fileno}.dcm", implicit=bool(k % 2))
    (IFIX / "series_a" / "notes.txt").write_text("not DICOM: must be skipped\n")
    hu = np.stack([hu_reference(pydicom.dcmread(IFIX / "series_a" / f"file{order.index(k)}.dcm")) for k in range(5)])
    iref["series_a"] = {"shape": list(hu.shape), "hu": [int(v) for v in hu.reshape(-1)], "positions": zs,
                        "origin": [-100.0, -120.5, -40.0], "sliceSpacing": 2.5, "pixelSpacing": [0.75, 0.8]}

    # gap: slice at -35 missing; plus a second series in the same folder (signed 16-bit, slope 0.5)
    for k in [0, 1, 3, 4]:
        ds = base_ct(ExplicitVRLittleEndian, 6, 7, series="series-gap", inst=k + 1, z=zs[k])
        ds.PixelData = vol[k].tobytes()
        save(ds, IFIX / "series_gap" / f"s{k}.dcm")
    sv = RNG.integers(-2000, 3000, size=(2, 3, 4)).astype(np.int16)
    for k in range(2):
        ds = base_ct(ExplicitVRLittleEndian, 3, 4, series="series-signed", inst=k + 1, z=10.0 - 5 * k)
        ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 15, 1
        ds.RescaleSlope, ds.RescaleIntercept = "0.5", "-10.25"
        ds.PixelData = sv[k].tobytes()
        save(ds, IFIX / "series_gap" / f"signed{k}.dcm")
    hu = np.stack([hu_reference(pydicom.dcmread(IFIX / "series_gap" / f"signed{k}.dcm")) for k in [1, 0]])
    iref["series_signed"] = {"shape": list(hu.shape), "hu": [float(v) for v in hu.reshape(-1)], "positions": [5.0, 10.0]}

    # Bits Stored 12, signed, garbage above the high bit (pydicom masks and sign-extends).
    ds = base_ct(ExplicitVRLittleEndian, 2, 3, series="bits12")
    ds.PixelRepresentation = 1
    ds.PixelData = np.array([0x0FFF, 0xF800, 0x07FF, 0x1234, 0xA001, 0x0800], dtype=np.uint16).tobytes()
    save(ds, IFIX / "bits12_signed_garbage.dcm")
    iref["bits12_signed_garbage.dcm"] = {"hu": [float(v) for v in hu_reference(pydicom.dcmread(IFIX / "bits12_signed_garbage.dcm")).reshape(-1)]}

    # ------------------------------------------------------------ enhanced multi-frame CT (functional groups)
    ds = base_ct(ExplicitVRLittleEndian, 4, 5, series="enhanced")
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = EnhancedCTImageStorage
    for k in ["ImagePositionPatient", "ImageOrientationPatient", "PixelSpacing", "RescaleSlope", "RescaleIntercept",
              "SliceThickness"]:
        delattr(ds, k)
    ds.NumberOfFrames = 3
    frames = RNG.integers(0, 4096, size=(3, 4, 5), dtype=np.uint16)
    shared = Dataset()
    pm = Dataset(); pm.PixelSpacing = [0.5, 0.6]; pm.SliceThickness = "1.0"
    po = Dataset(); po.ImageOrientationPatient = [0, 1, 0, 0, 0, -1]
    shared.PixelMeasuresSequence = Sequence([pm])
    shared.PlaneOrientationSequence = Sequence([po])
    per = []
    xs = [12.0, 10.0, 11.0]           # sagittal: normal = (0,1,0)x(0,0,-1) = (-1,0,0): order by -x
    slopes = [(1, -1024), (2, -2048), (1, -1000)]
    for k in range(3):
        f = Dataset()
        pp = Dataset(); pp.ImagePositionPatient = [xs[k], -50.0, 80.0]
        pv = Dataset(); pv.RescaleSlope = str(slopes[k][0]); pv.RescaleIntercept = str(slopes[k][1]); pv.RescaleType = "HU"
        f.PlanePositionSequence = Sequence([pp])
        f.PixelValueTransformationSequence = Sequence([pv])
        per.append(f)
    ds.SharedFunctionalGroupsSequence = Sequence([shared])
    ds.PerFrameFunctionalGroupsSequence = Sequence(per)
    ds.PixelData = frames.tobytes()
    save(ds, IFIX / "enhanced_ct_3frames.dcm")
    back = pydicom.dcmread(IFIX / "enhanced_ct_3frames.dcm")
    arr = back.pixel_array.astype(np.float64)
    hu = np.stack([arr[k] * slopes[k][0] + slopes[k][1] for k in range(3)])
    order = sorted(range(3), key=lambda k: -xs[k])
    iref["enhanced_ct_3frames.dcm"] = {"shape": [3, 4, 5], "hu": [float(v) for v in hu[order].reshape(-1)],
                                       "positions": [-xs[k] for k in order], "origin": [xs[order[0]], -50.0, 80.0]}

    # ------------------------------------------------------------ JPEG Lossless (SV1, and process 14 predictor 7)
    img = RNG.integers(0, 4096, size=(2, 9, 11), dtype=np.uint16)
    img[0, 3:6, 2:8] = 4095
    img[1, :, :] = np.clip(img[1] // 2 + np.arange(11) * 100, 0, 4095)
    streams = [jpeg_lossless(img[0], 12), jpeg_lossless(img[1], 12, restart_rows=3)]
    for fname, bot, ts, frames_list in [
        ("jpegls_sv1_1frame.dcm", False, JPEGLosslessSV1, streams[:1]),
        ("jpegls_sv1_2frames_bot.dcm", True, JPEGLosslessSV1, streams),
        ("jpegls_sv1_2frames_nobot.dcm", False, JPEGLosslessSV1, streams),
    ]:
        ds = base_ct(ts, 9, 11, series=fname)
        if len(frames_list) > 1:
            ds.NumberOfFrames = len(frames_list)
            ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = EnhancedCTImageStorage
            ds.PerFrameFunctionalGroupsSequence = Sequence([])
            for k in range(len(frames_list)):
                f = Dataset(); pp = Dataset(); pp.ImagePositionPatient = [-100.0, -120.5, 3.0 * k]
                f.PlanePositionSequence = Sequence([pp]); ds.PerFrameFunctionalGroupsSequence.append(f)
        ds.PixelData = encapsulate(frames_list, has_bot=bot)
        ds["PixelData"].VR = "OB"
        save(ds, IFIX / fname)
        back = pydicom.dcmread(IFIX / fname)
        hu = hu_reference(back)
        iref[fname] = {"shape": ([len(frames_list)] if len(frames_list) > 1 else []) + [9, 11],
                       "hu": [float(v) for v in hu.reshape(-1)]}
    # predictor 7 (process 14, transfer syntax .57), 16-bit, signed interpretation. (A point transform is not
    # used: libjpeg 2.5.0 decoded this encoder's Pt=2 streams to all 65535, so there is no reference for it.)
    arr7 = RNG.integers(0, 1 << 16, size=(6, 8), dtype=np.uint16)
    s7 = jpeg_lossless(arr7, 16, predictor=7)
    ds = base_ct(JPEGLossless, 6, 8, series="p14")
    ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 15, 1
    ds.PixelData = encapsulate([s7])
    save(ds, IFIX / "jpegl_p14_pred7_16bit.dcm")
    hu = hu_reference(pydicom.dcmread(IFIX / "jpegl_p14_pred7_16bit.dcm"))
    iref["jpegl_p14_pred7_16bit.dcm"] = {"shape": [6, 8], "hu": [float(v) for v in hu.reshape(-1)]}

    # ------------------------------------------------------------ JPEG 2000 lossless, 2 frames, signed (pydicom's encoder)
    ds = base_ct(ExplicitVRLittleEndian, 64, 48, series="j2k")
    ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 15, 1
    ds.NumberOfFrames = 2
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = EnhancedCTImageStorage
    ds.PerFrameFunctionalGroupsSequence = Sequence([])
    for k in range(2):
        f = Dataset(); pp = Dataset(); pp.ImagePositionPatient = [-100.0, -120.5, 5.0 * k]
        f.PlanePositionSequence = Sequence([pp]); ds.PerFrameFunctionalGroupsSequence.append(f)
    j2k = RNG.integers(-1024, 2000, size=(2, 64, 48)).astype(np.int16)
    ds.PixelData = j2k.tobytes()
    ds.compress(JPEG2000Lossless, encoding_plugin="pylibjpeg", generate_instance_uid=False)
    save(ds, IFIX / "j2k_2frames_signed.dcm")
    back = pydicom.dcmread(IFIX / "j2k_2frames_signed.dcm")
    assert np.array_equal(back.pixel_array, j2k)
    iref["j2k_2frames_signed.dcm"] = {"shape": [2, 64, 48], "hu": [float(v) for v in hu_reference(back).reshape(-1)]}

    # ------------------------------------------------------------ PNG + sidecar
    p16 = RNG.integers(0, 65536, size=(3, 5, 6), dtype=np.uint16)
    p16[0, 0, 0], p16[0, 0, 1] = 0, 65535
    for k in range(3):
        png_gray(IFIX / "png16" / f"slice{k}.png", p16[k], 16)
    side = {"format": "vigil-ct-png/1", "slices": ["slice2.png", "slice1.png", "slice0.png"],
            "pixelSpacingMM": [0.7, 0.9], "sliceSpacingMM": 3.0, "orientation": [1, 0, 0, 0, 1, 0],
            "originMM": [-10.0, -20.0, 50.0], "rescaleSlope": 1.0, "rescaleIntercept": -32768.0,
            "sliceOrder": "decreasing", "metadata": {"modality": "CT", "bodyPart": "ABDOMEN"}}
    (IFIX / "png16" / "volume.json").write_text(json.dumps(side, indent=1))
    iref["png16"] = {"hu": [float(v) * 1.0 - 32768.0 for v in p16.reshape(-1)], "shape": [3, 5, 6],
                     "origin": [-10.0, -20.0, 44.0]}
    p8 = RNG.integers(0, 256, size=(4, 3), dtype=np.uint8)
    p8[0, 0] = 64
    png_gray(IFIX / "png8" / "only.png", p8, 8)
    side8 = {"format": "vigil-ct-png/1", "slices": ["only.png"], "pixelSpacingMM": [1.0, 1.0], "sliceSpacingMM": None,
             "orientation": [1, 0, 0, 0, 1, 0], "originMM": [0, 0, 0], "rescaleSlope": 4.0, "rescaleIntercept": -1024.0,
             "sliceOrder": "increasing"}
    (IFIX / "png8" / "only.json").write_text(json.dumps(side8, indent=1))
    iref["png8"] = {"hu": [float(v) * 4.0 - 1024.0 for v in p8.reshape(-1)], "shape": [1, 4, 3]}

    (DFIX / "reference.json").write_text(json.dumps(dref, indent=1, ensure_ascii=False) + "\n")
    (IFIX / "reference.json").write_text(json.dumps(iref, indent=None, ensure_ascii=False) + "\n")
    print("fixtures written")


if __name__ == "__main__":
    main()
