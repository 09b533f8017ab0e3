#!/usr/bin/env python3
"""Writes a CT volume that `vigil ct convert` produced (HU .npy + the JSON summary it prints) as NIfTI with nibabel,
so that the same study can be scored from DICOM/PNG and from NIfTI side by side.

    vigil ct convert STUDY --output /tmp/v.npy > /tmp/v.json
    /work/venv-tools/bin/python Tools/ct/volume_to_nifti.py /tmp/v.npy /tmp/v.json /tmp/v.nii.gz [--int16]

Geometry: Vigil's volume is [slice, row, column] with DICOM LPS directions; NIfTI data are [i, j, k] with
i = column, j = row, k = slice and a RAS+ affine: column vectors (-x, -y, z) of rowDirection * columnSpacing,
columnDirection * rowSpacing, sliceDirection * sliceSpacing, and the origin.  --int16 stores rounded HU + 1024
as int16 with scl_slope 1, scl_inter -1024 (as CT datasets do); the default is float32 HU.
"""
import json, sys
import numpy as np
import nibabel as nib


def main(argv):
    if len(argv) < 4:
        print(__doc__)
        return 2
    vol = np.load(argv[1])
    meta = json.load(open(argv[2]))
    if isinstance(meta, list):
        meta = meta[0]

    def ras(v):
        return np.array([-v[0], -v[1], v[2]], dtype=np.float64)

    aff = np.eye(4)
    aff[:3, 0] = ras(meta["rowDirection"]) * meta["columnSpacingMM"]
    aff[:3, 1] = ras(meta["columnDirection"]) * meta["rowSpacingMM"]
    aff[:3, 2] = ras(meta["sliceDirection"]) * (meta.get("sliceSpacingMM") or 1.0)
    aff[:3, 3] = ras(meta["originMM"])
    data = np.transpose(vol, (2, 1, 0))
    if "--int16" in argv:
        img = nib.Nifti1Image(np.round(data + 1024).astype(np.int16), aff)
        img.header.set_slope_inter(1.0, -1024.0)
    else:
        img = nib.Nifti1Image(data.astype(np.float32), aff)
    img.set_qform(aff, code=1)
    img.set_sform(aff, code=1)
    img.header.set_xyzt_units("mm")
    nib.save(img, argv[3])
    if "--int16" in argv:   # nibabel chooses its own scaling on save; write the intended one
        back = nib.load(argv[3])
        assert np.allclose(back.get_fdata(), np.round(data), atol=1e-3)
    print(f"wrote {argv[3]}: shape {data.shape}, spacing {nib.affines.voxel_sizes(aff).round(4).tolist()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
