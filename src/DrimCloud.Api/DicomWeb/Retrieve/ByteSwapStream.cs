namespace DrimCloud.Api.DicomWeb.Retrieve;

/// <summary>Reverses the byte order of every word of <paramref name="wordSize"/> bytes (big-endian pixels sent as little endian).</summary>
internal sealed class ByteSwapStream(Stream inner, int wordSize) : Stream
{
    private readonly byte[] _carry = new byte[8];
    private int _carried;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // Only whole words leave this stream; a partial word read from the inner stream waits for its other bytes.
        var usable = buffer.Length - buffer.Length % wordSize;
        if (usable == 0) throw new ArgumentException($"Read at least {wordSize} bytes at a time.", nameof(buffer));
        _carry.AsSpan(0, _carried).CopyTo(buffer.Span);
        var filled = _carried;
        _carried = 0;
        while (filled < usable)
        {
            var n = await inner.ReadAsync(buffer[filled..usable], cancellationToken);
            if (n == 0) break;
            filled += n;
            if (filled % wordSize == 0) break;
        }
        var whole = filled - filled % wordSize;
        _carried = filled - whole;
        buffer.Span.Slice(whole, _carried).CopyTo(_carry);
        for (var i = 0; i < whole; i += wordSize) buffer.Span.Slice(i, wordSize).Reverse();
        return whole;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
