using DrimCloud.Dicom;
using DrimCloud.Dicom.Network;

namespace DrimCloud.IntegrationTests.Forwarder;

/// <summary>Generated instances (CT-like, 32×32 pixels unless asked otherwise), fast to create and send in thousands.</summary>
public static class TestInstances
{
    public const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";

    /// <summary>
    /// Writes <paramref name="count"/> instances of one new series into <paramref name="folder"/> (images of
    /// <paramref name="size"/>×<paramref name="size"/> 16-bit pixels); returns (study UID, files).
    /// </summary>
    public static (string StudyUid, List<string> Files) WriteSeries(string folder, int count, string patientId = "FWD-TEST", int size = 32)
    {
        Directory.CreateDirectory(folder);
        var root = "2.25." + new System.Numerics.BigInteger(Guid.NewGuid().ToByteArray().Concat(new byte[] { 0 }).ToArray());
        var study = root + ".1";
        var series = root + ".2";
        var files = new List<string>(count);
        var pixels = new byte[size * size * 2];
        for (var i = 0; i < count; i++)
        {
            var sop = $"{root}.3.{i + 1}";
            var d = new DicomDataset();
            d.SetString(DicomTags.SOPClassUID, DicomVR.UI, CtImageStorage);
            d.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, sop);
            d.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, study);
            d.SetString(DicomTags.SeriesInstanceUID, DicomVR.UI, series);
            d.SetString(DicomTags.PatientID, DicomVR.LO, patientId);
            d.SetString(DicomTags.PatientName, DicomVR.PN, "FORWARDER^TEST");
            d.SetString(DicomTags.Modality, DicomVR.CS, "CT");
            d.SetString(DicomTags.InstanceNumber, DicomVR.IS, (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            d.SetIntegers(DicomTags.Rows, DicomVR.US, [size]);
            d.SetIntegers(DicomTags.Columns, DicomVR.US, [size]);
            d.SetIntegers(DicomTags.BitsAllocated, DicomVR.US, [16]);
            d.SetIntegers(DicomTags.SamplesPerPixel, DicomVR.US, [1]);
            pixels[0] = (byte)i;
            pixels[1] = (byte)(i >> 8);
            d.SetRaw(DicomTag.PixelData, DicomVR.OW, pixels);
            var path = Path.Combine(folder, $"{i + 1:D5}.dcm");
            using (var stream = File.Create(path))
            {
                stream.Write(Part10Meta.Build(CtImageStorage, sop, KnownTransferSyntaxes.ExplicitVRLittleEndian));
                DicomWriter.WriteDataset(d, stream, DicomTransferSyntax.ExplicitVRLittleEndian);
            }
            files.Add(path);
        }
        return (study, files);
    }
}
