namespace DrimCloud.Forwarder.Upload;

/// <summary>
/// Bandwidth limit shared by every upload: a bucket refilled at <c>rate</c> bytes per second holding at most one
/// second's worth, from which each write takes its size first (waiting when the bucket is short). Rate 0: no limit.
/// </summary>
public sealed class TokenBucket(long bytesPerSecond, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private double _tokens = bytesPerSecond;
    private long _last = clock.GetTimestamp();

    public long BytesPerSecond => bytesPerSecond;

    public async ValueTask TakeAsync(int bytes, CancellationToken cancellationToken)
    {
        if (bytesPerSecond <= 0 || bytes <= 0) return;
        TimeSpan wait;
        lock (_gate)
        {
            var now = clock.GetTimestamp();
            _tokens = Math.Min(bytesPerSecond, _tokens + clock.GetElapsedTime(_last, now).TotalSeconds * bytesPerSecond);
            _last = now;
            _tokens -= bytes; // may go negative: the debt is what the caller (and the next ones) wait for
            wait = _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / bytesPerSecond);
        }
        if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, cancellationToken);
    }
}

/// <summary>Reads a stream through a <see cref="TokenBucket"/>, in chunks small enough to keep the rate smooth.</summary>
public sealed class ThrottledReadStream(Stream inner, TokenBucket bucket) : Stream
{
    private const int MaxChunk = 64 * 1024;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer[..Math.Min(buffer.Length, MaxChunk)], cancellationToken);
        await bucket.TakeAsync(n, cancellationToken);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override bool CanRead => true;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
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
