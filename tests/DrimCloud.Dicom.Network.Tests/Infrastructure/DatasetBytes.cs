namespace DrimCloud.Dicom.Network.Tests.Infrastructure;

internal static class DatasetBytes
{
    /// <summary>The bytes after the Part 10 meta information, located by the core reader.</summary>
    public static byte[] Of(string path)
    {
        long offset;
        using (var file = DicomFile.Open(path, new DicomReadOptions { StopBeforeTag = new DicomTag(0x0008, 0x0000) }))
            offset = file.DatasetOffset;
        var all = File.ReadAllBytes(path);
        return all[(int)offset..];
    }

    /// <summary>
    /// The dataset bytes as our SCU puts them on the wire: unchanged, plus one trailing NUL when the length is odd
    /// (only the deflated sample), since PDVs are even.
    /// </summary>
    public static byte[] AsSent(string path)
    {
        var bytes = Of(path);
        return bytes.Length % 2 == 0 ? bytes : [.. bytes, 0];
    }

    public static string MetaString(string path, ushort element)
    {
        using var file = DicomFile.Open(path, new DicomReadOptions { StopBeforeTag = new DicomTag(0x0008, 0x0000) });
        return file.Meta.GetString(new DicomTag(0x0002, element))?.TrimEnd('\0', ' ') ?? "";
    }
}
