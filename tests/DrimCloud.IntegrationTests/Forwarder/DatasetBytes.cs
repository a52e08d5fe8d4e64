using DrimCloud.Dicom;

namespace DrimCloud.IntegrationTests.Forwarder;

/// <summary>The dataset of a Part 10 object (what crosses a DICOM association), without its file meta information.</summary>
public static class DatasetBytes
{
    /// <remarks>
    /// Located by the File Meta Information Group Length (0002,0000), which both DCMTK's storescp and the forwarder
    /// write first: the core reader's dataset offset is that of the inflated stream for a deflated object.
    /// </remarks>
    public static byte[] Of(byte[] part10)
    {
        if (part10.Length < 144 || part10[128] != 'D' || part10[129] != 'I' || part10[130] != 'C' || part10[131] != 'M'
            || BitConverter.ToUInt16(part10, 132) != 0x0002 || BitConverter.ToUInt16(part10, 134) != 0x0000)
            throw new InvalidDataException("Not a Part 10 file starting with its group length.");
        return part10[(144 + (int)BitConverter.ToUInt32(part10, 140))..];
    }

    public static string SopInstanceUid(string path)
    {
        using var file = DicomFile.Open(path, new DicomReadOptions { StopBeforeTag = new DicomTag(0x0008, 0x0019) });
        return file.Dataset.GetString(DicomTags.SOPInstanceUID)!.TrimEnd('\0', ' ');
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
}
