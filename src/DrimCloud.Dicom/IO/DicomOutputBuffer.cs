using System.Buffers;

namespace DrimCloud.Dicom;

/// <summary>A pooled 1 MiB output buffer in front of a stream, with a path that reads lazy values from their source
/// straight into it (one copy from page cache to the output, byte-swapped in place when converting endianness).</summary>
internal sealed class DicomOutputBuffer : IDisposable
{
    private const int Size = 1 << 20;
    private readonly Stream _output;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(Size);
    private int _length;

    public DicomOutputBuffer(Stream output) => _output = output;

    public long Position { get; private set; }

    public Span<byte> GetSpan(int size)
    {
        if (_buffer.Length - _length < size)
        {
            Flush();
        }

        return _buffer.AsSpan(_length, size);
    }

    public void Advance(int count)
    {
        _length += count;
        Position += count;
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            if (_length == _buffer.Length)
            {
                Flush();
            }

            var n = Math.Min(data.Length, _buffer.Length - _length);
            data[..n].CopyTo(_buffer.AsSpan(_length));
            _length += n;
            Position += n;
            data = data[n..];
        }
    }

    /// <summary>Writes <paramref name="data"/> with each <paramref name="swapUnit"/>-byte value byte-reversed.</summary>
    public void WriteSwapped(ReadOnlySpan<byte> data, int swapUnit)
    {
        if (swapUnit <= 1)
        {
            Write(data);
            return;
        }

        while (data.Length > 0)
        {
            if (_buffer.Length - _length < swapUnit)
            {
                Flush();
            }

            var n = Math.Min(data.Length, (_buffer.Length - _length) / swapUnit * swapUnit);
            if (n == 0)
            {
                n = data.Length;
            }

            var destination = _buffer.AsSpan(_length, n);
            data[..n].CopyTo(destination);
            ByteOrder.Swap(destination, swapUnit);
            _length += n;
            Position += n;
            data = data[n..];
        }
    }

    public void Fill(byte value, int count)
    {
        GetSpan(count).Fill(value);
        Advance(count);
    }

    /// <summary>Copies a value left in the dataset's source into the output in chunks.</summary>
    public void CopyFromSource(DicomDataset dataset, long offset, long length, int swapUnit)
    {
        while (length > 0)
        {
            if (_buffer.Length - _length < 8)
            {
                Flush();
            }

            var n = (int)Math.Min(length, _buffer.Length - _length);
            if (swapUnit > 1 && n < length)
            {
                n = n / swapUnit * swapUnit;
            }

            var destination = _buffer.AsSpan(_length, n);
            dataset.ReadFromSource(offset, destination);
            ByteOrder.Swap(destination, swapUnit);
            _length += n;
            Position += n;
            offset += n;
            length -= n;
        }
    }

    public void Flush()
    {
        if (_length > 0)
        {
            _output.Write(_buffer, 0, _length);
            _length = 0;
        }
    }

    public void Dispose()
    {
        Flush();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
