using System.Buffers;

namespace DrimCloud.Api.DicomWeb.Rendered;

/// <summary>The bytes of one stored frame, in a pooled array that goes back to the pool on dispose.</summary>
public sealed class FrameBuffer : IDisposable
{
    private byte[]? _array;

    private FrameBuffer(byte[] array, int length)
    {
        _array = array;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => (_array ?? throw new ObjectDisposedException(nameof(FrameBuffer))).AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => (_array ?? throw new ObjectDisposedException(nameof(FrameBuffer))).AsMemory(0, Length);

    public static async Task<FrameBuffer> ReadAsync(Stream source, long length, CancellationToken cancellationToken)
    {
        var array = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            await source.ReadExactlyAsync(array.AsMemory(0, (int)length), cancellationToken);
            return new FrameBuffer(array, (int)length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(array);
            throw;
        }
    }

    public static FrameBuffer Copy(ReadOnlySpan<byte> bytes)
    {
        var array = ArrayPool<byte>.Shared.Rent(bytes.Length);
        bytes.CopyTo(array);
        return new FrameBuffer(array, bytes.Length);
    }

    public void Dispose()
    {
        if (_array is { } array) ArrayPool<byte>.Shared.Return(array);
        _array = null;
    }
}
