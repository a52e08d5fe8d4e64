using System.Security.Cryptography;

namespace DrimCloud.Storage;

/// <summary>A forward-only read wrapper that hashes (SHA-256) and counts what passes through it.</summary>
internal sealed class HashingReadStream(Stream inner) : Stream
{
    /// <summary>The stream to read, hashing it unless it hashes itself; dispose only a wrapper this created.</summary>
    public static Stream Over(Stream content) => content is ISelfHashingStream ? content : new HashingReadStream(content);

    /// <summary>Size and hash of what <paramref name="read"/> (from <see cref="Over"/>) delivered, read to its end.</summary>
    public static (long Length, string Sha256) ResultOf(Stream read) => read switch
    {
        HashingReadStream h => (h.BytesRead, h.HashHex()),
        ISelfHashingStream s => (s.BytesRead, s.Sha256),
        _ => throw new InvalidOperationException("Not a hashing stream."),
    };

    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _length;

    public long BytesRead => _length;

    public string HashHex() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Account(buffer[..n]);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken);
        Account(buffer.Span[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Account(ReadOnlySpan<byte> data)
    {
        _hash.AppendData(data);
        _length += data.Length;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _length; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }
}
