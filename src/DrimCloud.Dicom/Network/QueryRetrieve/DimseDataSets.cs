using System.Buffers.Binary;
using System.Text;

namespace DrimCloud.Dicom.Network;

/// <summary>
/// Encodes and decodes the small datasets DIMSE carries besides stored instances (C-FIND/MOVE/GET identifiers)
/// with the core reader and writer, in the transfer syntax of the presentation context.
/// </summary>
public static class DimseDataSets
{
    public static byte[] Encode(DicomDataset dataSet, string transferSyntaxUid)
    {
        using var output = new MemoryStream();
        DicomWriter.WriteDataset(dataSet, output, DicomTransferSyntax.FromUid(transferSyntaxUid));
        return output.ToArray();
    }

    /// <summary>
    /// Decodes a bare dataset. The core reads Part 10 input, so the bytes are framed with a minimal file meta
    /// header naming the transfer syntax (a dataset-only read with an explicit syntax would avoid the copy).
    /// </summary>
    /// <exception cref="DicomFormatException">The bytes are not a valid dataset in that syntax.</exception>
    public static DicomDataset Decode(ReadOnlySpan<byte> encoded, string transferSyntaxUid)
    {
        var meta = BuildMinimalMeta(transferSyntaxUid);
        var framed = new byte[128 + 4 + meta.Length + encoded.Length];
        "DICM"u8.CopyTo(framed.AsSpan(128));
        meta.CopyTo(framed.AsSpan(132));
        encoded.CopyTo(framed.AsSpan(132 + meta.Length));
        var file = DicomFile.Read(new MemoryStream(framed, writable: false), new DicomReadOptions { LargeValues = LargeValueMode.Load });
        return file.Dataset;
    }

    /// <summary>(0002,0000) group length and (0002,0010) transfer syntax, Explicit VR Little Endian.</summary>
    private static byte[] BuildMinimalMeta(string transferSyntaxUid)
    {
        var uid = Encoding.ASCII.GetBytes(transferSyntaxUid);
        var uidLength = (uid.Length + 1) & ~1;
        var meta = new byte[12 + 8 + uidLength];
        var span = meta.AsSpan();
        WriteShortHeader(span, 0x0000, "UL", 4);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], (uint)(8 + uidLength));
        WriteShortHeader(span[12..], 0x0010, "UI", uidLength);
        uid.CopyTo(span[20..]);
        return meta;
    }

    private static void WriteShortHeader(Span<byte> destination, ushort element, string vr, int length)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(destination, 0x0002);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], element);
        destination[4] = (byte)vr[0];
        destination[5] = (byte)vr[1];
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], (ushort)length);
    }
}
