namespace DrimCloud.Dicom.Multipart;

/// <summary>
/// A multipart body or header that cannot be read: a truncated body (no closing delimiter, a part cut short),
/// a malformed header, a declared <c>Content-Length</c> that does not match. Thrown instead of ever handing a
/// caller a silently shortened part.
/// </summary>
public sealed class MultipartFormatException : FormatException
{
    public MultipartFormatException(string message, long offset)
        : base($"{message} (at byte {offset} of the multipart body)")
    {
        Offset = offset;
    }

    public MultipartFormatException(string message)
        : base(message)
    {
        Offset = -1;
    }

    public MultipartFormatException()
        : this("Malformed multipart body.")
    {
    }

    public MultipartFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Offset = -1;
    }

    /// <summary>Byte offset in the body where the problem was found, or -1 when it is not about a position.</summary>
    public long Offset { get; }

    /// <summary>True when the body ended before the closing delimiter (the sender stopped or the connection dropped).</summary>
    public bool IsTruncation { get; init; }
}
