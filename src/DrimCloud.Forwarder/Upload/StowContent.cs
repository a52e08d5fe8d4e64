using System.Net;
using System.Net.Http.Headers;
using DrimCloud.Dicom.Multipart;
using DrimCloud.Forwarder.Spool;

namespace DrimCloud.Forwarder.Upload;

/// <summary>
/// A STOW-RS request body streamed from the spool files (one application/dicom part each), through the bandwidth
/// limit: nothing is read into memory beyond the copy buffer.
/// </summary>
public sealed class StowContent : HttpContent
{
    private readonly IReadOnlyList<string> _files;
    private readonly TokenBucket _bandwidth;
    private readonly string _boundary = MultipartRelatedContentType.NewBoundary();

    public StowContent(IReadOnlyList<string> files, TokenBucket bandwidth)
    {
        _files = files;
        _bandwidth = bandwidth;
        Headers.ContentType = MediaTypeHeaderValue.Parse(new MultipartWriter(Stream.Null, _boundary).GetContentType("application/dicom"));
    }

    /// <summary>Bytes of DICOM content written so far (for the upload statistics).</summary>
    public long BytesWritten { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var writer = new MultipartWriter(stream, _boundary);
        foreach (var path in _files)
        {
            // Read synchronously from the page cache: an asynchronous file read is a thread-pool hop on Linux (see there).
            var file = SpoolFileReadStream.Open(path);
            await using var source = _bandwidth.BytesPerSecond > 0 ? new ThrottledReadStream(file, _bandwidth) : (Stream)file;
            await writer.WritePartAsync(new MultipartHeaders { ContentType = "application/dicom" }, source, cancellationToken);
            BytesWritten += file.Length;
        }
        await writer.CompleteAsync(cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
