using System.IO.Pipelines;
using System.Globalization;
using System.Text;
using DrimCloud.Dicom.Multipart;

namespace DrimCloud.Api.DicomWeb.Retrieve;

/// <summary>
/// A <c>multipart/related</c> body whose parts are stored blobs sent byte for byte. Every part's size is known from
/// the index, so the exact length of the whole body is known before the first byte: the response carries a
/// Content-Length instead of chunked encoding, and a client can tell a complete body from a truncated one.
/// Blob bytes are read into the response's own buffers in large chunks that also gather part headers and small
/// parts, so the socket sees large writes and nothing grows with the number or size of the parts.
/// </summary>
public sealed class AsStoredMultipartBody
{
    /// <summary>Bytes read and sent at a time: a 530 KB instance takes a few reads and writes.</summary>
    public const int ChunkSize = 256 * 1024;

    private readonly IReadOnlyList<Part> _parts;
    private readonly string _firstDelimiter; // "--boundary"
    private readonly string _delimiter; // CRLF "--boundary"

    public AsStoredMultipartBody(string boundary, IReadOnlyList<Part> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0) throw new ArgumentException("A retrieve body has at least one part.", nameof(parts));
        _ = new MultipartRelatedContentType(boundary); // validates the boundary
        Boundary = boundary;
        _parts = parts;
        _delimiter = "\r\n--" + boundary;
        _firstDelimiter = _delimiter[2..];
        long length = 0;
        for (var i = 0; i < parts.Count; i++)
        {
            if (parts[i].Length < 0) throw new ArgumentException($"Part {i} has a negative length.", nameof(parts));
            length += Encoding.ASCII.GetByteCount(PartHeader(i)) + parts[i].Length;
        }
        ContentLength = length + Encoding.ASCII.GetByteCount(Closing);
    }

    /// <summary>One part: its media type (with transfer-syntax), its exact length, and where its bytes are.</summary>
    public sealed record Part(string ContentType, long Length, string BlobKey);

    public string Boundary { get; }

    /// <summary>The exact number of bytes <see cref="WriteAsync"/> writes.</summary>
    public long ContentLength { get; }

    /// <summary>How many parts have been completely handed to the output so far (for the audit of an aborted retrieve).</summary>
    public int PartsSent { get; private set; }

    private string Closing => _delimiter + "--\r\n";

    /// <summary>
    /// Writes the body. <paramref name="open"/> opens a part's bytes (read sequentially to their end). Blob bytes
    /// are read straight into the output's own buffers (no intermediate copy), <see cref="ChunkSize"/> at a time,
    /// with the part headers and small parts gathered into the same chunks, and each chunk is flushed before the next
    /// is read, so memory stays bounded whatever the size of the body. A blob whose length differs from its
    /// declared one throws <see cref="InvalidDataException"/>: the body already promised its length, so the caller
    /// must abort the response rather than complete it.
    /// </summary>
    public async Task WriteAsync(PipeWriter output, Func<Part, CancellationToken, Task<Stream>> open, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(open);
        var chunk = output.GetMemory(ChunkSize);
        var filled = 0;
        var completedInChunk = 0;
        for (var i = 0; i < _parts.Count; i++)
        {
            var part = _parts[i];
            await AppendAsync(PartHeader(i));
            await using (var content = await open(part, cancellationToken))
            {
                long copied = 0;
                while (true)
                {
                    if (filled == chunk.Length) await FlushAsync();
                    var read = await content.ReadAsync(chunk[filled..], cancellationToken);
                    if (read == 0) break;
                    copied += read;
                    filled += read;
                    if (copied > part.Length)
                        throw new InvalidDataException($"Blob {part.BlobKey} is longer than its indexed size {part.Length}.");
                }
                if (copied != part.Length)
                    throw new InvalidDataException($"Blob {part.BlobKey} is {copied} bytes, its indexed size is {part.Length}.");
            }
            completedInChunk++;
        }
        await AppendAsync(Closing);
        await FlushAsync();

        async Task AppendAsync(string ascii)
        {
            // Part headers are a few hundred bytes at most: make room, then encode straight into the chunk.
            if (chunk.Length - filled < ascii.Length) await FlushAsync();
            filled += Encoding.ASCII.GetBytes(ascii, chunk.Span[filled..]);
        }

        async Task FlushAsync()
        {
            if (filled == 0) return;
            output.Advance(filled);
            var result = await output.FlushAsync(cancellationToken);
            if (result.IsCanceled || result.IsCompleted) throw new OperationCanceledException("The response was closed while it was being written.");
            filled = 0;
            PartsSent += completedInChunk;
            completedInChunk = 0;
            chunk = output.GetMemory(ChunkSize);
        }
    }

    private string PartHeader(int index)
    {
        var part = _parts[index];
        return (index == 0 ? _firstDelimiter : _delimiter) + "\r\n"
            + MultipartHeaders.ContentTypeName + ": " + part.ContentType + "\r\n"
            + MultipartHeaders.ContentLengthName + ": " + part.Length.ToString(CultureInfo.InvariantCulture) + "\r\n\r\n";
    }
}
