using System.Buffers;

namespace DrimCloud.Forwarder.Spool;

/// <summary>
/// Reads <paramref name="source"/> and writes every byte it hands out to <paramref name="sink"/> before returning it.
/// The spool parses an instance's header through it while the instance streams to its file, so the file never has to
/// be opened and parsed again once written. Whatever the reader leaves unread is passed on by
/// <see cref="DrainToSinkAsync"/>, so the sink always gets the whole source, in order, each byte once.
/// The sink is written synchronously (it is a <see cref="SpoolFileSink"/>: see why there).
/// </summary>
internal sealed class TeeReadStream(Stream source, Stream sink) : Stream
{
    public override bool CanRead => true;
    // Not seekable: the header parser must read every byte in order (which is what reaches the sink).
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await source.ReadAsync(buffer, cancellationToken);
        if (read > 0)
            sink.Write(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = source.Read(buffer);
        if (read > 0)
            sink.Write(buffer[..read]);
        return read;
    }

    /// <summary>Passes everything not read yet to the sink.</summary>
    public async Task DrainToSinkAsync(int bufferSize, CancellationToken cancellationToken)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(bufferSize);
        try
        {
            int read;
            while ((read = await source.ReadAsync(chunk.AsMemory(0, bufferSize), cancellationToken)) > 0)
                sink.Write(chunk, 0, read);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
