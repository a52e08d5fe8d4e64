using System.Buffers;

namespace DrimCloud.Dicom;

/// <summary>
/// The bytes read from a source, kept in one pooled array that grows by doubling. Every dataset parsed from that
/// source (root, file meta and sequence items) points into it by offset, so values are never copied one by one.
/// </summary>
internal sealed class DicomBuffer : IDisposable
{
    private byte[]? _data;

    public DicomBuffer(int initialCapacity) => _data = ArrayPool<byte>.Shared.Rent(initialCapacity);

    public byte[] Data => _data ?? throw new ObjectDisposedException(nameof(DicomBuffer), "The dataset was disposed; its values are gone.");

    /// <summary>Number of valid bytes at the start of <see cref="Data"/>.</summary>
    public int Length { get; set; }

    public Span<byte> AsSpan(int offset, int length) => Data.AsSpan(offset, length);

    /// <summary>Makes room for at least <paramref name="capacity"/> bytes, keeping the valid ones.</summary>
    public void EnsureCapacity(int capacity)
    {
        var data = Data;
        if (capacity <= data.Length)
        {
            return;
        }

        var newSize = (int)Math.Min(Array.MaxLength, Math.Max((long)data.Length * 2, capacity));
        if (newSize < capacity)
        {
            throw new DicomFormatException(-1, $"data too large to hold in memory ({capacity} bytes)");
        }

        var bigger = ArrayPool<byte>.Shared.Rent(newSize);
        data.AsSpan(0, Length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(data);
        _data = bigger;
    }

    public void Dispose()
    {
        if (_data is { } data)
        {
            _data = null;
            ArrayPool<byte>.Shared.Return(data);
        }
    }
}
