namespace DrimCloud.Api.DicomWeb.Store;

/// <summary>
/// Reads a part's stream while keeping a copy of what was read, so that the header can be parsed before the
/// instance's storage key is known and the same bytes then streamed to storage. The copy stays in memory up to a
/// bound (headers are small); an instance whose header is larger (e.g. a big encapsulated document before the pixel
/// data) spills the copy to a temporary file, so memory stays bounded whatever the instance.
/// </summary>
internal sealed class RecordingReadStream(Stream source, int memoryLimit = RecordingReadStream.DefaultMemoryLimit) : Stream
{
    public const int DefaultMemoryLimit = 8 * 1024 * 1024;

    private MemoryStream? _memory = new();
    private FileStream? _spill;
    private long _recorded;

    public long Recorded => _recorded;

    /// <summary>The recorded bytes, from the start, as a new stream.</summary>
    public Stream OpenRecorded()
    {
        if (_spill is not null)
        {
            _spill.Flush();
            return new FileStream(_spill.Name, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, FileOptions.Asynchronous);
        }
        return new MemoryStream(_memory!.GetBuffer(), 0, (int)_memory.Length, writable: false);
    }

    /// <summary>Bytes not yet read from the source continue from here.</summary>
    public Stream Source => source;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = source.Read(buffer);
        Record(buffer[..n]);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await source.ReadAsync(buffer, cancellationToken);
        Record(buffer.Span[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Record(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        if (_spill is null && _recorded + data.Length > memoryLimit)
        {
            var path = Path.Combine(Path.GetTempPath(), $"drimcloud-stow-{Guid.NewGuid():N}.part");
            _spill = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 81920, FileOptions.DeleteOnClose);
            _memory!.Position = 0;
            _memory.CopyTo(_spill);
            _memory.Dispose();
            _memory = null;
        }
        if (_spill is not null) _spill.Write(data);
        else _memory!.Write(data);
        _recorded += data.Length;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _recorded; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _memory?.Dispose();
            _spill?.Dispose();
        }
        base.Dispose(disposing);
    }
}
