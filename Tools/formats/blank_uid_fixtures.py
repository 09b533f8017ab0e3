#!/usr/bin/env python3
"""CT slices whose Study/Series Instance UIDs were blanked by an anonymiser, derived with pydicom from
SampleData/ct/CT_small.dcm (a real CT slice), cropped to 32x32 to stay small.

Tests/ImagingFormatsTests/Fixtures/blank_uid/:
- anon_*.dcm: 5 slices of one acquisition, empty (0020,000D)/(0020,000E), same Frame of Reference,
  orientation, size and spacing, positions 2.5 mm apart, file names in an order that is not the
  position order, each slice's pixels shifted by a different amount so that order errors show;
- broken_a.dcm, broken_b.dcm: a series with a real Series Instance UID whose two images sit at the same
  position (cannot be built: it must not stop the anonymised series from being read).
blank_uid_reference.json: pydicom's HU (slope*stored+intercept) per anon file, and the expected
order along the slice normal (ascending position).
"""
import json, pathlib
import numpy as np
import pydicom
from pydicom.uid import generate_uid

src = pathlib.Path("SampleData/ct/CT_small.dcm")
out = pathlib.Path("Tests/ImagingFormatsTests/Fixtures/blank_uid")
out.mkdir(parents=True, exist_ok=True)
base = pydicom.dcmread(src)
arr = base.pixel_array[40:72, 40:72].copy()
for_uid = generate_uid(entropy_srcs=["vigil blank uid FoR"])
z0 = float(base.ImagePositionPatient[2])
order = [3, 0, 4, 1, 2]           # file k gets position index order[k]
ref = {"files": {}, "order": []}
for k, idx in enumerate(order):
    ds = pydicom.dcmread(src)
    px = (arr + 7 * idx).astype(arr.dtype)
    ds.Rows, ds.Columns = px.shape
    ds.PixelData = px.tobytes()
    ds.StudyInstanceUID = ""
    ds.SeriesInstanceUID = ""
    ds.SOPInstanceUID = generate_uid(entropy_srcs=[f"vigil blank uid {k}"])
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.FrameOfReferenceUID = for_uid
    ds.AcquisitionNumber = 1
    ds.InstanceNumber = ""            # anonymisers blank this too
    ds.ImagePositionPatient = [float(base.ImagePositionPatient[0]), float(base.ImagePositionPatient[1]), z0 + 2.5 * idx]
    name = f"anon_{k}.dcm"
    ds.save_as(out / name, enforce_file_format=True)
    back = pydicom.dcmread(out / name)
    hu = back.pixel_array.astype(np.float64) * float(back.RescaleSlope) + float(back.RescaleIntercept)
    ref["files"][name] = {"position_z": z0 + 2.5 * idx, "hu": [float(v) for v in hu.ravel()]}
ref["order"] = sorted(ref["files"], key=lambda n: ref["files"][n]["position_z"])
series = generate_uid(entropy_srcs=["vigil broken series"])
for n in ["broken_a.dcm", "broken_b.dcm"]:
    ds = pydicom.dcmread(src)
    ds.Rows, ds.Columns = arr.shape
    ds.PixelData = arr.tobytes()
    ds.SeriesInstanceUID = series
    ds.SOPInstanceUID = generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.save_as(out / n, enforce_file_format=True)
ref["broken_series"] = series
(out.parent / "blank_uid_reference.json").write_text(json.dumps(ref))
print("wrote", sorted(p.name for p in out.iterdir()))

# no_pixel_spacing.dcm: the same real slice (cropped) without Pixel Spacing, as in a Secondary Capture of a
# CT; pydicom reads it. Reference: pydicom's HU.
ds = pydicom.dcmread(src)
ds.Rows, ds.Columns = arr.shape
ds.PixelData = arr.tobytes()
del ds.PixelSpacing
nps = out.parent / "no_pixel_spacing.dcm"
ds.save_as(nps, enforce_file_format=True)
back = pydicom.dcmread(nps)
assert "PixelSpacing" not in back
hu = back.pixel_array.astype(np.float64) * float(back.RescaleSlope) + float(back.RescaleIntercept)
ref["no_pixel_spacing_hu"] = [float(v) for v in hu.ravel()]
(out.parent / "blank_uid_reference.json").write_text(json.dumps(ref))
