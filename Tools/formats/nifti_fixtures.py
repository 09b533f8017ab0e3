#!/usr/bin/env python3
"""Small synthetic NIfTI CT volumes and nibabel's reading of them, for Tests/ImagingFormatsTests (NIfTITests).

Run from the repository root:  /work/venv-tools/bin/python Tools/formats/nifti_fixtures.py
Writes Tests/ImagingFormatsTests/Fixtures/nifti/*.nii(.gz|.hdr|.img) and reference.json.

Every volume is a synthetic 'body': air (-1024 HU) outside an ellipse, soft tissue inside, a bright 'bone'
block, plus a ramp in i, j and k so that any mix-up of axes, slice order or byte order changes the values.
reference.json holds, per file, what nibabel 5 says: the shape, img.affine (get_best_affine), the voxel sizes
of that affine, which transform it came from, scl_slope/scl_inter, and get_fdata() at chosen voxels with
their world (RAS+, mm) coordinates  affine @ (i, j, k, 1).  The Swift reader must agree within the
tolerances stated in NIfTITests.swift.
"""
import gzip, json, pathlib, struct
import numpy as np
import nibabel as nib
from nibabel.affines import voxel_sizes

out = pathlib.Path("Tests/ImagingFormatsTests/Fixtures/nifti")
out.mkdir(parents=True, exist_ok=True)
for f in out.iterdir():
    f.unlink()
rng = np.random.default_rng(20261203)


def body_hu(ni, nj, nk):
    i, j, k = np.meshgrid(np.arange(ni), np.arange(nj), np.arange(nk), indexing="ij")
    inside = ((i - (ni - 1) / 2) / (ni * 0.42)) ** 2 + ((j - (nj - 1) / 2) / (nj * 0.4)) ** 2 <= 1
    hu = np.where(inside, 30.0 + 3 * i + 5 * j + 11 * k, -1024.0)
    hu[ni // 3: ni // 3 + 2, nj // 2: nj // 2 + 2, :] = 700 + 13 * k[ni // 3: ni // 3 + 2, nj // 2: nj // 2 + 2, :]
    return hu


def rotation(ax, ay, az):
    cx, sx, cy, sy, cz, sz = np.cos(ax), np.sin(ax), np.cos(ay), np.sin(ay), np.cos(az), np.sin(az)
    rx = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rz = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    return rz @ ry @ rx


def affine(rot, zooms, offset, flip=(1, 1, 1)):
    a = np.eye(4)
    a[:3, :3] = rot @ np.diag(np.array(zooms) * np.array(flip))
    a[:3, 3] = offset
    return a


reference = {}


def patch(name, fmt, offset, *values):
    """Writes header fields after nibabel saved the file (nibabel picks its own scl_slope/scl_inter when saving)."""
    path = out / name
    raw = path.read_bytes()
    zipped = raw[:2] == b"\x1f\x8b"
    b = bytearray(gzip.decompress(raw) if zipped else raw)
    struct.pack_into(fmt, b, offset, *values)
    path.write_bytes(gzip.compress(bytes(b), 6, mtime=0) if zipped else bytes(b))


def record(name, expect_source, picks=12, note=""):
    img = nib.load(out / name)
    data = img.get_fdata(dtype=np.float64)
    shape = list(data.shape)
    hdr = img.header
    slope, inter = img.dataobj.slope, img.dataobj.inter   # the file's scaling (nibabel clears the header's on load)
    vox = []
    ni, nj, nk = shape[:3]
    nt = shape[3] if len(shape) > 3 else 1
    corners = [(0, 0, 0), (ni - 1, nj - 1, nk - 1), (ni - 1, 0, 0), (0, nj - 1, nk - 1)]
    # Voxels inside the body (ramp) and in the bone block, plus random ones.
    chosen = corners + [(ni // 2, nj // 2, nk // 2), (ni // 3, nj // 2, 0), (ni // 3 + 1, nj // 2 + 1, nk - 1)]
    while len(chosen) < picks:
        chosen.append(tuple(int(rng.integers(0, s)) for s in (ni, nj, nk)))
    for t in range(nt):
        for (i, j, k) in chosen:
            value = float(data[i, j, k, t] if nt > 1 else data[i, j, k])
            world = (img.affine @ np.array([i, j, k, 1.0]))[:3]
            vox.append({"i": i, "j": j, "k": k, "t": t, "value": value, "worldRAS": [float(x) for x in world]})
    reference[name] = {
        "shape": shape,
        "affine": img.affine.tolist(),
        "voxelSizes": [float(x) for x in voxel_sizes(img.affine)],
        "affineSource": expect_source,
        "sformCode": int(hdr["sform_code"]),
        "qformCode": int(hdr["qform_code"]),
        "slope": None if slope is None else float(slope),
        "inter": None if inter is None else float(inter),
        "dtype": str(hdr.get_data_dtype()),
        "littleEndian": hdr.endianness == "<",
        "voxels": vox,
        "note": note,
    }


# 1. int16 with scl_slope 0.5, scl_inter -1024 (stored = 2 (HU + 1024)), sform (code 1) rotated, x flipped
#    (LAS, as dcm2niix writes), and a different qform (code 1) that must not be used; gzip-compressed.
hu = body_hu(12, 10, 6)
stored = (2 * (hu + 1024)).astype(np.int16)
a1 = affine(rotation(0.05, -0.1, 0.2), (0.8, 0.7, 2.5), (120.0, -95.0, -300.0), flip=(-1, 1, 1))
img = nib.Nifti1Image(stored, a1)
img.set_sform(a1, code=1)
img.set_qform(affine(np.eye(3), (0.8, 0.7, 2.5), (0.0, 0.0, 0.0)), code=1)
img.header.set_xyzt_units("mm", "sec")
nib.save(img, out / "ct_int16_sform.nii.gz")
patch("ct_int16_sform.nii.gz", "<ff", 112, 0.5, -1024.0)
record("ct_int16_sform.nii.gz", "sform", note="int16, slope 1 inter -1024, sform code 1 (also qform), LAS")

# 2. float32 HU, big-endian header and data, qform only (sform code 0), qfac -1 (left-handed k axis).
hu = body_hu(9, 11, 5)
a2 = affine(rotation(0.0, 0.0, -0.3), (0.9, 0.9, 3.0), (-80.0, 60.0, 20.0), flip=(1, 1, -1))
hdr = nib.Nifti1Header(endianness=">")
img = nib.Nifti1Image(hu.astype(">f4"), None, header=hdr)
img.set_qform(a2, code=1)
img.set_sform(None, code=0)
img.header.set_xyzt_units("mm")
nib.save(img, out / "ct_float32_qform_be.nii")
record("ct_float32_qform_be.nii", "qform", note="float32 big-endian, qform only, qfac -1")

# 3. uint8 with slope 8, inter -1024 (coarse HU), sform code 2, RAS axes.
hu = body_hu(10, 8, 4)
stored = np.clip(np.round((hu + 1024) / 8), 0, 255).astype(np.uint8)
a3 = affine(np.eye(3), (1.0, 1.25, 2.0), (-5.0, -5.0, -4.0))
img = nib.Nifti1Image(stored, a3)
img.set_sform(a3, code=2)
img.header.set_xyzt_units("mm")
nib.save(img, out / "ct_uint8_scaled.nii")
patch("ct_uint8_scaled.nii", "<ff", 112, 8.0, -1024.0)
record("ct_uint8_scaled.nii", "sform", note="uint8, slope 8 inter -1024")

# 4. int32 HU, no transform at all (sform and qform codes 0): nibabel's pixdim fallback.
hu = body_hu(8, 8, 3)
img = nib.Nifti1Image((hu + 1024).astype(np.int32), np.diag([0.75, 0.75, 2.5, 1.0]))
img.set_sform(None, code=0)
img.set_qform(None, code=0)
img.header.set_zooms((0.75, 0.75, 2.5))
img.header.set_xyzt_units("mm")
nib.save(img, out / "ct_int32_pixdim_only.nii.gz")
patch("ct_int32_pixdim_only.nii.gz", "<ff", 112, 1.0, -1024.0)
record("ct_int32_pixdim_only.nii.gz", "pixdim", note="int32, no sform/qform")

# 5. NIfTI-2, float64, sform rotated about all axes.
hu = body_hu(10, 9, 4)
a5 = affine(rotation(0.2, 0.1, -0.15), (0.6, 0.6, 1.5), (10.0, 20.0, 30.0))
img = nib.Nifti2Image(hu.astype(np.float64), a5)
img.header.set_xyzt_units("mm")
nib.save(img, out / "ct_float64_nifti2.nii.gz")
record("ct_float64_nifti2.nii.gz", "sform", note="NIfTI-2, float64")

# 6. int16 with a header extension: vox_offset past 352.
hu = body_hu(8, 7, 3)
img = nib.Nifti1Image((hu).astype(np.int16), affine(np.eye(3), (0.9, 0.9, 2.0), (0.0, 0.0, 0.0), flip=(-1, -1, 1)))
img.header.extensions.append(nib.nifti1.Nifti1Extension(6, b"synthetic comment for vigil fixture" + b"\0" * 13))
img.header.set_xyzt_units("mm")
nib.save(img, out / "ct_int16_extension.nii")
record("ct_int16_extension.nii", "sform", note="int16, header extension, vox_offset > 352, LPS axes")

# 7. 4-D: two time points of int16.
hu = body_hu(6, 6, 3)
four = np.stack([hu, hu + 100], axis=-1).astype(np.int16)
img = nib.Nifti1Image(four, affine(np.eye(3), (1.0, 1.0, 2.0), (0.0, 0.0, 0.0)))
img.header.set_xyzt_units("mm", "sec")
nib.save(img, out / "ct_4d.nii.gz")
record("ct_4d.nii.gz", "sform", picks=6, note="4-D, 2 volumes")

# 8. A .hdr/.img pair (magic ni1).
hu = body_hu(7, 6, 3)
img = nib.Nifti1Pair(hu.astype(np.int16), affine(np.eye(3), (1.0, 1.0, 3.0), (1.0, 2.0, 3.0)))
img.header.set_xyzt_units("mm")
nib.save(img, out / "ct_pair.hdr")
record("ct_pair.hdr", "sform", note="NIfTI-1 pair")

# 9. A label map (uint8 0/1/2): readable, but its values are not HU, so no modality is inferred.
lab = np.zeros((8, 8, 3), np.uint8)
lab[2:6, 2:6, :] = 1
lab[3:5, 3:5, 1] = 2
img = nib.Nifti1Image(lab, np.diag([1.0, 1.0, 2.0, 1.0]))
img.header.set_xyzt_units("mm")
nib.save(img, out / "labels_uint8.nii.gz")
record("labels_uint8.nii.gz", "sform", note="label map, not HU")

# 10. Odd but readable: qfac 0, units 0, wrong bitpix, vox_offset below 352 (all fixed by nibabel on load).
hu = body_hu(8, 8, 3)
img = nib.Nifti1Image(hu.astype(np.int16), None)
img.set_qform(affine(np.eye(3), (1.0, 1.0, 2.0), (0.0, 0.0, 0.0)), code=1)
img.set_sform(None, code=0)
nib.save(img, out / "odd_header.nii")
raw = bytearray((out / "odd_header.nii").read_bytes())
struct.pack_into("<f", raw, 76, 0.0)      # pixdim[0] (qfac) = 0
raw[123] = 0                               # xyzt_units unknown
struct.pack_into("<h", raw, 72, 8)         # bitpix 8 for int16
(out / "odd_header.nii").write_bytes(bytes(raw))
record("odd_header.nii", "qform", note="qfac 0, xyzt_units 0, bitpix 8 for int16")

# 11. Bomb-like: the header declares 24x24x4 int16 (4.6 KB of voxels), the gzip stream inflates to 20 MiB.
hu = body_hu(24, 24, 4)
img = nib.Nifti1Image(hu.astype(np.int16), np.diag([1.0, 1.0, 2.0, 1.0]))
img.header.set_xyzt_units("mm")
nib.save(img, out / "tmp.nii")
body = (out / "tmp.nii").read_bytes()
(out / "tmp.nii").unlink()
(out / "trailing_bomb.nii.gz").write_bytes(gzip.compress(body + b"\0" * (20 << 20), 9))

# 12. Two concatenated gzip members (as pigz or `cat a.gz b.gz` write) holding one .nii file.
hu = body_hu(8, 8, 3)
img = nib.Nifti1Image(hu.astype(np.int16), np.diag([1.0, 1.0, 2.0, 1.0]))
img.header.set_xyzt_units("mm")
nib.save(img, out / "tmp.nii")
body = (out / "tmp.nii").read_bytes()
(out / "tmp.nii").unlink()
half = len(body) // 2
(out / "two_members.nii.gz").write_bytes(gzip.compress(body[:half], 6) + gzip.compress(body[half:], 6))
record("two_members.nii.gz", "sform", note="two gzip members")

(out / "reference.json").write_text(json.dumps(reference, indent=1, sort_keys=True) + "\n")
for f in sorted(out.iterdir()):
    print(f"{f.stat().st_size:8d}  {f.name}")
