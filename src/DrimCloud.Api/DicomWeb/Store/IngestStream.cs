using System.Security.Cryptography;
using DrimCloud.Dicom;
using DrimCloud.Storage;

namespace DrimCloud.Api.DicomWeb.Store;

/// <summary>
/// The whole instance as it goes to storage: the recorded header bytes, then the rest of the part read straight from
/// the request. Every byte is hashed (SHA-256) and, from the pixel data on, shown to a <see cref="PixelDataScanner"/>,
/// so size, hash and frame positions are known when the upload ends, with one pass over the data.
/// </summary>
internal sealed class IngestStream(Stream recorded, Stream rest, PixelDataScanner? scanner, long scanFrom) : Stream, ISelfHashingStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private bool _inRest;
    private long _position;
    private string? _sha256;

    public long BytesRead => _position;

    /// <summary>Lower-case hex SHA-256 of everything read, available once the stream has been read to its end.</summary>
    public string Sha256 => _sha256 ?? throw new InvalidOperationException("The stream has not been read to its end.");

    public bool Completed => _sha256 is not null;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        int n;
        if (!_inRest && (n = recorded.Read(buffer)) > 0) return Account(buffer[..n]);
        _inRest = true;
        return Account(buffer[..rest.Read(buffer)]);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return 0;
        int n;
        if (!_inRest && (n = await recorded.ReadAsync(buffer, cancellationToken)) > 0) return Account(buffer.Span[..n]);
        _inRest = true;
        n = await rest.ReadAsync(buffer, cancellationToken);
        return Account(buffer.Span[..n]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Reads the rest without storing it (a duplicate whose hash is all we need).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        while (await ReadAsync(buffer, cancellationToken) > 0) { }
    }

    private int Account(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            _sha256 ??= Convert.ToHexStringLower(_hash.GetHashAndReset());
            return 0;
        }
        _hash.AppendData(data);
        if (scanner is not null)
        {
            var end = _position + data.Length;
            if (end > scanFrom) scanner.Feed(data[(int)Math.Max(0, scanFrom - _position)..]);
        }
        _position += data.Length;
        return data.Length;
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

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            recorded.Dispose();
        }
        base.Dispose(disposing);
    }
}
