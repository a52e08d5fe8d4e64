using DrimCloud.Dicom;

namespace DrimCloud.Api.DicomWeb.Retrieve;

/// <summary>Reads several byte ranges of a blob one after the other, opening each only when the previous one ends.</summary>
internal sealed class ConcatenatedRangeStream(IReadOnlyList<ByteRange> ranges, Func<ByteRange, Task<Stream>> open) : Stream
{
    private int _next;
    private Stream? _current;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_current is null)
            {
                if (_next >= ranges.Count) return 0;
                _current = await open(ranges[_next++]);
            }
            var n = await _current.ReadAsync(buffer, cancellationToken);
            if (n > 0) return n;
            await _current.DisposeAsync();
            _current = null;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => ranges.Sum(r => r.Length);
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _current?.Dispose();
        base.Dispose(disposing);
    }
}
