using Microsoft.Win32.SafeHandles;

namespace DrimCloud.Forwarder.Upload;

/// <summary>
/// Reads a spool file for an upload with synchronous <c>pread</c>s, also when read asynchronously. On Linux, every
/// asynchronous file read (FileStream.ReadAsync, RandomAccess.ReadAsync, with or without FileOptions.Asynchronous) is
/// a thread-pool work item and a wake-up of the awaiting code; a spool file was written seconds ago and is read from
/// the page cache in microseconds, so waiting for it on the uploader's own thread costs less than the hop.
/// Seekable with a known length, so each part of the request gets its Content-Length. It ends at the instance's
/// length, not the file's: a spare written in place may still hold an earlier, longer instance's bytes after it.
/// </summary>
internal sealed class SpoolFileReadStream(SafeFileHandle file, long length) : Stream
{
    private readonly long _length = length;
    private long _position;

    /// <summary>
    /// Opens <paramref name="path"/> for reading its first <paramref name="length"/> bytes (sequential: the kernel may
    /// read ahead). A file shorter than that is an error: the instance is not all there.
    /// </summary>
    public static SpoolFileReadStream Open(string path, long length)
    {
        var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        if (RandomAccess.GetLength(file) < length)
        {
            file.Dispose();
            throw new IOException($"Spool file {path} holds fewer bytes than its instance's {length}.");
        }
        return new SpoolFileReadStream(file, length);
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.Length > _length - _position) buffer = buffer[..(int)(_length - _position)];
        if (buffer.IsEmpty) return 0;
        var read = RandomAccess.Read(file, buffer, _position);
        _position += read;
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) file.Dispose();
        base.Dispose(disposing);
    }
}
