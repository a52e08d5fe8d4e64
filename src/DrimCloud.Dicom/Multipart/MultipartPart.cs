namespace DrimCloud.Dicom.Multipart;

/// <summary>
/// One body part being read. <see cref="Body"/> streams the part's bytes straight from the underlying body; it
/// ends (Read returns 0) only when the delimiter that closes the part has been seen. A body that ends early makes
/// Read throw a <see cref="MultipartFormatException"/>, so a short part is never mistaken for a complete one.
/// The stream is valid until the next call to <see cref="MultipartReader.ReadNextPartAsync"/>, which skips
/// whatever was left unread.
/// </summary>
public sealed class MultipartPart
{
    internal MultipartPart(MultipartHeaders headers, Stream body, int index)
    {
        Headers = headers;
        Body = body;
        Index = index;
    }

    /// <summary>Zero-based position of the part in the body.</summary>
    public int Index { get; }

    public MultipartHeaders Headers { get; }

    public Stream Body { get; }

    public string? ContentType => Headers.ContentType;

    public string? ContentLocation => Headers.ContentLocation;

    public long? ContentLength => Headers.ContentLength;
}
