using System.Net;
using System.Net.Http.Headers;
using DrimCloud.Dicom.Multipart;
using DrimCloud.Forwarder.Spool;

namespace DrimCloud.Forwarder.Upload;

/// <summary>
/// A STOW-RS request body streamed from the spool files (one application/dicom part each), through the bandwidth
/// limit: nothing is read into memory beyond the copy buffer. Its length is computed beforehand, so the request is
/// not sent chunked.
/// </summary>
public sealed class StowContent : HttpContent
{
    private readonly IReadOnlyList<(string Path, long Length)> _files;
    private readonly TokenBucket _bandwidth;
    private readonly string _boundary = MultipartRelatedContentType.NewBoundary();

    /// <param name="files">Each instance's spool file and its length (the file may be longer: see <see cref="SpoolFileReadStream"/>).</param>
    public StowContent(IReadOnlyList<(string Path, long Length)> files, TokenBucket bandwidth)
    {
        _files = files;
        _bandwidth = bandwidth;
        Headers.ContentType = MediaTypeHeaderValue.Parse(new MultipartWriter(Stream.Null, _boundary).GetContentType("application/dicom"));
    }

    /// <summary>Bytes of DICOM content written so far (for the upload statistics).</summary>
    public long BytesWritten { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        WriteBodyAsync(stream, instance =>
        {
            // Read synchronously from the page cache: an asynchronous file read is a thread-pool hop on Linux (see there).
            var file = SpoolFileReadStream.Open(instance.Path, instance.Length);
            BytesWritten += file.Length;
            return _bandwidth.BytesPerSecond > 0 ? new ThrottledReadStream(file, _bandwidth) : file;
        }, cancellationToken);

    private async Task WriteBodyAsync(Stream output, Func<(string Path, long Length), Stream> open, CancellationToken cancellationToken)
    {
        var writer = new MultipartWriter(output, _boundary);
        foreach (var instance in _files)
        {
            await using var source = open(instance);
            await writer.WritePartAsync(new MultipartHeaders { ContentType = "application/dicom" }, source, cancellationToken);
        }
        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// The body's exact length: the same writer writes it into a counter, each instance standing in as its length of
    /// nothing (no file is read). Sent chunked instead, every 64 KiB write would be a chunk whose header goes out in a
    /// send of its own, a small TCP segment for both this side and the cloud to process.
    /// </summary>
    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        var counter = new CountingStream();
        var measure = WriteBodyAsync(counter, instance => new LengthOnlyStream(instance.Length), CancellationToken.None);
        // Everything it writes to is synchronous, so it has completed; anything unforeseen: the body is sent chunked.
        // (A file gone meanwhile is reported by the copy, when the body is sent.)
        if (!measure.IsCompletedSuccessfully)
        {
            _ = measure.Exception; // observed, not left to the finalizer
            return false;
        }
        length = counter.Length;
        return true;
    }
}
