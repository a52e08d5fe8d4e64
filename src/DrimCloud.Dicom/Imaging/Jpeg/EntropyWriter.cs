namespace DrimCloud.Dicom.Imaging.Jpeg;

/// <summary>Writes Huffman-coded bits most significant first, stuffing a 0x00 after every 0xFF byte (T.81 §F.1.2.3).</summary>
internal sealed class EntropyWriter(Stream output)
{
    private ulong _buffer;
    private int _count;

    public void Write(int bits, int length)
    {
        if (length == 0) return;
        _buffer = (_buffer << length) | ((uint)bits & ((1u << length) - 1));
        _count += length;
        while (_count >= 8)
        {
            _count -= 8;
            var b = (byte)(_buffer >> _count);
            output.WriteByte(b);
            if (b == 0xFF) output.WriteByte(0);
        }
    }

    /// <summary>Pads the last byte with 1-bits (§F.1.2.3).</summary>
    public void Flush()
    {
        if (_count > 0) Write((1 << (8 - _count)) - 1, 8 - _count);
    }
}
