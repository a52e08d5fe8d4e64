using System.Buffers.Binary;
using System.Text;

namespace DrimCloud.Dicom.Tests.Infrastructure;

/// <summary>Builds small Part 10 byte streams by hand, for tests that need exact (and exactly wrong) encodings.</summary>
public sealed class DicomBytes
{
    private readonly MemoryStream _bytes = new();

    /// <summary>Preamble, DICM and a minimal meta group announcing <paramref name="transferSyntax"/>.</summary>
    public static DicomBytes Part10(string transferSyntax = "1.2.840.10008.1.2.1")
    {
        var b = new DicomBytes();
        b.Raw(new byte[128]).Raw("DICM"u8);
        var uid = Encoding.ASCII.GetBytes(transferSyntax.Length % 2 == 1 ? transferSyntax + "\0" : transferSyntax);
        b.Explicit(0x00020000, "UL", BitConverter.GetBytes(8 + uid.Length));
        b.Explicit(0x00020010, "UI", uid);
        return b;
    }

    public DicomBytes Raw(ReadOnlySpan<byte> data)
    {
        _bytes.Write(data);
        return this;
    }

    public DicomBytes Tag(uint tag)
    {
        Span<byte> span = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)(tag >> 16));
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], (ushort)tag);
        return Raw(span);
    }

    public DicomBytes U16(ushort value)
    {
        Span<byte> span = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(span, value);
        return Raw(span);
    }

    public DicomBytes U32(uint value)
    {
        Span<byte> span = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(span, value);
        return Raw(span);
    }

    /// <summary>An explicit VR LE element with its real length.</summary>
    public DicomBytes Explicit(uint tag, string vr, ReadOnlySpan<byte> value) => ExplicitHeader(tag, vr, (uint)value.Length).Raw(value);

    public DicomBytes Explicit(uint tag, string vr, string value) => Explicit(tag, vr, Encoding.ASCII.GetBytes(value));

    /// <summary>An explicit VR LE header announcing <paramref name="length"/> (which may be a lie).</summary>
    public DicomBytes ExplicitHeader(uint tag, string vr, uint length)
    {
        Tag(tag).Raw(Encoding.ASCII.GetBytes(vr));
        return new DicomVR(BinaryPrimitives.ReadUInt16LittleEndian(Encoding.ASCII.GetBytes(vr))).HasLongLength
            ? U16(0).U32(length)
            : U16((ushort)length);
    }

    public byte[] ToArray() => _bytes.ToArray();
}
