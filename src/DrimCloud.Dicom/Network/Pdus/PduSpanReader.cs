using System.Buffers.Binary;
using System.Text;

namespace DrimCloud.Dicom.Network;

/// <summary>
/// Bounds-checked big-endian reader over a PDU body (PDU fields are big-endian, PS3.8 section 9.3.1). Every
/// overrun becomes a <see cref="DicomProtocolException"/> naming the offset, never an index exception.
/// </summary>
internal ref struct PduSpanReader(ReadOnlySpan<byte> data, int baseOffset = 0)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly int Remaining => _data.Length - _position;

    public readonly bool IsAtEnd => _position >= _data.Length;

    public readonly int Offset => baseOffset + _position;

    public byte ReadByte() => Take(1)[0];

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public ReadOnlySpan<byte> ReadBytes(int count) => Take(count);

    public void Skip(int count) => Take(count);

    /// <summary>A sub-reader over the next <paramref name="count"/> bytes.</summary>
    public PduSpanReader Slice(int count)
    {
        var offset = Offset;
        return new PduSpanReader(Take(count), offset);
    }

    /// <summary>An AE title field: 16 bytes, padded with spaces (leading and trailing spaces are not significant).</summary>
    public string ReadAeTitle() => DecodeText(Take(16)).Trim(' ');

    /// <summary>A UID carried in an item; trailing NUL or space padding, which some senders add, is dropped.</summary>
    public string ReadUid(int count) => DecodeText(Take(count)).TrimEnd('\0', ' ');

    public string ReadText(int count) => DecodeText(Take(count)).TrimEnd('\0', ' ');

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new DicomProtocolException(AbortReason.InvalidPduParameterValue,
                $"PDU field of {count} bytes at offset {Offset} runs past the end of its item ({Remaining} bytes left).");
        }
        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }

    private static string DecodeText(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);
}
