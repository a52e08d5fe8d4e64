#!/usr/bin/python3
"""Benchmark data for the DIMSE bench, generated from the real CT slice of the sample corpus (never committed).

  series DIR N      N clones of cwil/CTImage.dcm (512x512 CT) in one study/series, new UIDs, Explicit VR LE
  series DIR N ROWS   the same, cropped to its first ROWS rows (e.g. 64: ~71 KB, where disk flushes weigh more)
  multiframe DIR K FRAMES   K multi-frame CT instances of FRAMES copies of the slice's pixels each

Needs pydicom (Debian python3-pydicom): run with /usr/bin/python3.
"""
import os
import sys

import pydicom
from pydicom.uid import ExplicitVRLittleEndian, generate_uid


def load(samples):
    ds = pydicom.dcmread(os.path.join(samples, "cwil", "CTImage.dcm"))
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.is_implicit_VR = False
    ds.is_little_endian = True
    return ds


def series(samples, folder, count, rows=None):
    os.makedirs(folder, exist_ok=True)
    ds = load(samples)
    if rows:
        ds.PixelData = bytes(ds.PixelData[:rows * ds.Columns * (ds.BitsAllocated // 8)])
        ds.Rows = rows
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.PatientID = "BENCH0001"
    ds.PatientName = "Bench^Series"
    for index in range(count):
        uid = generate_uid()
        ds.SOPInstanceUID = uid
        ds.file_meta.MediaStorageSOPInstanceUID = uid
        ds.InstanceNumber = index + 1
        ds.save_as(os.path.join(folder, f"ct{index:05d}.dcm"), write_like_original=False)


def multiframe(samples, folder, count, frames):
    os.makedirs(folder, exist_ok=True)
    ds = load(samples)
    pixels = ds.PixelData
    ds.NumberOfFrames = frames
    ds.PixelData = pixels * frames
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    for index in range(count):
        uid = generate_uid()
        ds.SOPInstanceUID = uid
        ds.file_meta.MediaStorageSOPInstanceUID = uid
        ds.save_as(os.path.join(folder, f"mf{index:02d}.dcm"), write_like_original=False)


if __name__ == "__main__":
    samples = os.environ.get("DRIMCLOUD_SAMPLES") or os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "dicom-samples")
    if sys.argv[1] == "series":
        series(samples, sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else None)
    elif sys.argv[1] == "multiframe":
        multiframe(samples, sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit(__doc__)
