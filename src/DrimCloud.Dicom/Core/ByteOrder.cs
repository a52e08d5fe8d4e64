using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace DrimCloud.Dicom;

/// <summary>Endian-aware reads of the fixed-size fields found in element headers and binary values.</summary>
internal static class ByteOrder
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort U16(ReadOnlySpan<byte> span, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(span) : BinaryPrimitives.ReadUInt16LittleEndian(span);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint U32(ReadOnlySpan<byte> span, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span);

    /// <summary>A tag is two 16-bit numbers (group then element), each in the stream's byte order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Tag(ReadOnlySpan<byte> span, bool bigEndian) =>
        ((uint)U16(span, bigEndian) << 16) | U16(span[2..], bigEndian);

    public static void WriteU16(Span<byte> span, ushort value, bool bigEndian)
    {
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span, value);
        }
    }

    public static void WriteU32(Span<byte> span, uint value, bool bigEndian)
    {
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span, value);
        }
    }

    public static void WriteTag(Span<byte> span, uint tag, bool bigEndian)
    {
        WriteU16(span, (ushort)(tag >> 16), bigEndian);
        WriteU16(span[2..], (ushort)tag, bigEndian);
    }

    /// <summary>Reverses the byte order of each <paramref name="unit"/>-byte value in place (unit 1 is a no-op).</summary>
    public static void Swap(Span<byte> data, int unit)
    {
        switch (unit)
        {
            case 2:
                var u16 = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(data[..(data.Length & ~1)]);
                BinaryPrimitives.ReverseEndianness(u16, u16);
                break;
            case 4:
                var u32 = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(data[..(data.Length & ~3)]);
                BinaryPrimitives.ReverseEndianness(u32, u32);
                break;
            case 8:
                var u64 = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(data[..(data.Length & ~7)]);
                BinaryPrimitives.ReverseEndianness(u64, u64);
                break;
        }
    }
}
