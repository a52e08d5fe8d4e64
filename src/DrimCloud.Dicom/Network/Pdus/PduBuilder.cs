using System.Buffers.Binary;
using System.Text;

namespace DrimCloud.Dicom.Network;

/// <summary>Builds a PDU in a growable buffer, with length fields patched once their content is written.</summary>
internal sealed class PduBuilder
{
    private byte[] _buffer = new byte[1024];
    private int _length;

    public int Length => _length;

    public void Byte(byte value) => Reserve(1)[0] = value;

    public void UInt16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), value);

    public void UInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), value);

    public void Bytes(ReadOnlySpan<byte> value) => value.CopyTo(Reserve(value.Length));

    public void Zeros(int count) => Reserve(count).Clear();

    public void Ascii(string value) => Encoding.ASCII.GetBytes(value, Reserve(Encoding.ASCII.GetByteCount(value)));

    /// <summary>An AE title padded with spaces to 16 bytes.</summary>
    public void AeTitle(string value)
    {
        var field = Reserve(16);
        field.Fill((byte)' ');
        Encoding.ASCII.GetBytes(value, field);
    }

    /// <summary>Reserves a 2-byte length field; pass the result to <see cref="EndLength16"/> after the content.</summary>
    public int BeginLength16()
    {
        Reserve(2);
        return _length;
    }

    public void EndLength16(int contentStart)
    {
        var length = _length - contentStart;
        if (length > ushort.MaxValue)
            throw new ArgumentException($"PDU item of {length} bytes exceeds the 65535-byte item limit.");
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(contentStart - 2), (ushort)length);
    }

    public int BeginLength32()
    {
        Reserve(4);
        return _length;
    }

    public void EndLength32(int contentStart) =>
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(contentStart - 4), (uint)(_length - contentStart));

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
