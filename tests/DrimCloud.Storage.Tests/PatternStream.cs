using System.Security.Cryptography;

namespace DrimCloud.Storage.Tests;

/// <summary>
/// A non-seekable stream of deterministic pseudo-random bytes of a given length, produced on the fly (no buffer of
/// the whole content), optionally failing with an IOException after some bytes, as a dying upload would.
/// </summary>
public sealed class PatternStream(long length, int seed, long failAfter = -1) : Stream
{
    private readonly Random _random = new(seed);
    private long _position;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (failAfter >= 0 && _position >= failAfter) throw new IOException("The source connection was lost (simulated).");
        var n = (int)Math.Min(buffer.Length, length - _position);
        if (failAfter >= 0) n = (int)Math.Min(n, Math.Max(1, failAfter - _position));
        if (n <= 0) return 0;
        _random.NextBytes(buffer[..n]);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public static string Sha256Of(long length, int seed)
    {
        using var s = new PatternStream(length, seed);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
