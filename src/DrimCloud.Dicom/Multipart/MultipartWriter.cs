using System.Buffers;
using System.Text;

namespace DrimCloud.Dicom.Multipart;

/// <summary>
/// Streaming RFC 2046 / RFC 2387 multipart writer: each part is copied from a stream through one pooled
/// buffer, so parts of any size pass through without being held in memory. Call <see cref="CompleteAsync"/> to
/// write the closing delimiter; a body without it is, by design, a truncated body for the reader.
/// </summary>
public sealed class MultipartWriter
{
    private const int CopyBufferSize = 64 * 1024;
    private readonly Stream _output;
    private readonly byte[] _firstDelimiter; // "--boundary"
    private readonly byte[] _delimiter; // CRLF "--boundary"
    private int _partCount;
    private bool _completed;

    /// <param name="output">Where the body is written; not disposed by the writer.</param>
    /// <param name="boundary">The boundary; a random one when null.</param>
    public MultipartWriter(Stream output, string? boundary = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        Boundary = boundary ?? MultipartRelatedContentType.NewBoundary();
        MultipartRelatedContentType.ValidateBoundary(Boundary);
        _output = output;
        _delimiter = Encoding.ASCII.GetBytes("\r\n--" + Boundary);
        _firstDelimiter = _delimiter[2..];
    }

    public string Boundary { get; }

    /// <summary>The Content-Type header value for this body, e.g. <c>multipart/related; type="application/dicom"; boundary=…</c>.</summary>
    public string GetContentType(string? type, string? transferSyntax = null, string? start = null)
        => new MultipartRelatedContentType(Boundary, type, start, transferSyntax).ToString();

    /// <summary>
    /// Writes one part from a stream, read to its end. When <paramref name="headers"/> has no Content-Length and
    /// the stream is seekable, one is written; a declared length that the stream does not match throws
    /// <see cref="InvalidOperationException"/> (the body written so far must then be discarded).
    /// </summary>
    public async Task WritePartAsync(MultipartHeaders headers, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(content);
        var declared = headers.ContentLength;
        long? known = declared ?? (content.CanSeek ? content.Length - content.Position : null);
        await WritePartHeaderAsync(headers, declared is null ? known : null, cancellationToken);

        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            long copied = 0;
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken)) > 0)
            {
                copied += read;
                if (known is { } limit && copied > limit)
                    throw new InvalidOperationException($"Part content is longer than its Content-Length {limit}.");
                await _output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
            if (known is { } expected && copied != expected)
                throw new InvalidOperationException($"Part content is {copied} bytes but its Content-Length is {expected}.");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes one part from memory (Content-Length is always written).</summary>
    public async Task WritePartAsync(MultipartHeaders headers, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var declared = headers.ContentLength;
        if (declared is { } length && length != content.Length)
            throw new InvalidOperationException($"Part content is {content.Length} bytes but its Content-Length is {length}.");
        await WritePartHeaderAsync(headers, declared is null ? content.Length : null, cancellationToken);
        await _output.WriteAsync(content, cancellationToken);
    }

    /// <summary>Writes the closing delimiter. The writer cannot be used afterwards.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfCompleted();
        _completed = true;
        // A body with no part at all still needs its first boundary line to be a valid multipart body.
        var closing = _partCount == 0 ? "--" + Boundary + "--\r\n" : "\r\n--" + Boundary + "--\r\n";
        await _output.WriteAsync(Encoding.ASCII.GetBytes(closing), cancellationToken);
        await _output.FlushAsync(cancellationToken);
    }

    private async Task WritePartHeaderAsync(MultipartHeaders headers, long? addContentLength, CancellationToken cancellationToken)
    {
        ThrowIfCompleted();
        var text = new StringBuilder();
        text.Append(Encoding.ASCII.GetString(_partCount == 0 ? _firstDelimiter : _delimiter)).Append("\r\n");
        foreach (var (name, value) in headers.All)
            text.Append(name).Append(": ").Append(value).Append("\r\n");
        if (addContentLength is { } length)
            text.Append(MultipartHeaders.ContentLengthName).Append(": ").Append(length.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n");
        text.Append("\r\n");
        _partCount++;
        await _output.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancellationToken);
    }

    private void ThrowIfCompleted()
    {
        if (_completed)
            throw new InvalidOperationException("The multipart body is already complete.");
    }
}
