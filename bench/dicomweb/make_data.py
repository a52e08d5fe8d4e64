#!/usr/bin/python3
"""Generates the DICOMweb benchmark data by cloning one real CT slice (512x512, 16-bit) into a series.

    make_data.py SOURCE.dcm OUTDIR COUNT [--seed N]

Every clone gets new Study/Series/SOP Instance UIDs (one study, one series), its Instance Number and slice position,
and a little pixel noise (a few hundred random samples changed), and is written as Explicit VR Little Endian with a
Part 10 header. Uses pydicom (Debian python3-pydicom; run with /usr/bin/python3).
"""
import argparse
import os
import random

import pydicom
from pydicom.uid import ExplicitVRLittleEndian, generate_uid


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source")
    parser.add_argument("outdir")
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    template = pydicom.dcmread(args.source)
    template.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    template.is_little_endian, template.is_implicit_VR = True, False
    pixels = bytearray(template.PixelData)
    study, series = generate_uid(), generate_uid()
    os.makedirs(args.outdir, exist_ok=True)
    total = 0
    for i in range(args.count):
        ds = template
        sop = generate_uid()
        ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID = study, series, sop
        ds.file_meta.MediaStorageSOPInstanceUID = sop
        ds.InstanceNumber = i + 1
        ds.ImagePositionPatient = [0, 0, -1.25 * i]
        ds.SliceLocation = -1.25 * i
        noisy = bytearray(pixels)
        for _ in range(256):
            offset = rng.randrange(0, len(noisy) // 2) * 2
            noisy[offset] = rng.randrange(0, 256)
        ds.PixelData = bytes(noisy)
        path = os.path.join(args.outdir, f"ct{i + 1:05d}.dcm")
        ds.save_as(path, write_like_original=False)
        total += os.path.getsize(path)
    print(f"{args.count} instances, {total / 1e6:.1f} MB in {args.outdir} (study {study})")


if __name__ == "__main__":
    main()
