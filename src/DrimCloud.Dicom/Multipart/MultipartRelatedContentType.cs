namespace DrimCloud.Dicom.Multipart;

/// <summary>
/// The <c>Content-Type</c> of an RFC 2387 multipart/related body: <c>boundary</c> (required), <c>type</c> (the
/// media type of the root part, e.g. <c>application/dicom</c>), <c>start</c> (Content-ID of the root part),
/// <c>start-info</c>, and DICOMweb's <c>transfer-syntax</c> (PS3.18).
/// </summary>
public sealed class MultipartRelatedContentType
{
    /// <summary>RFC 2046 allows 70; some clients send longer ones, which cost nothing to accept.</summary>
    public const int MaxBoundaryLength = 200;

    public const string MediaTypeName = "multipart/related";

    public MultipartRelatedContentType(string boundary, string? type = null, string? start = null, string? transferSyntax = null, string? startInfo = null)
    {
        ValidateBoundary(boundary);
        Boundary = boundary;
        Type = type;
        Start = start;
        TransferSyntax = transferSyntax;
        StartInfo = startInfo;
    }

    public string Boundary { get; }
    public string? Type { get; }
    public string? Start { get; }
    public string? StartInfo { get; }
    public string? TransferSyntax { get; }

    /// <summary>
    /// Parses a Content-Type header value. Accepts any <c>multipart/*</c> subtype (some clients label related
    /// bodies <c>multipart/mixed</c>); a missing or invalid boundary is a <see cref="MultipartFormatException"/>.
    /// </summary>
    public static MultipartRelatedContentType Parse(string contentType)
    {
        if (!MediaTypeValue.TryParse(contentType, out var media))
            throw new MultipartFormatException($"Invalid Content-Type '{contentType}'.");
        if (!media.MediaType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
            throw new MultipartFormatException($"Content-Type '{media.MediaType}' is not a multipart type.");
        var boundary = media["boundary"];
        if (string.IsNullOrEmpty(boundary))
            throw new MultipartFormatException("Content-Type has no boundary parameter.");
        try
        {
            return new MultipartRelatedContentType(boundary, media["type"], media["start"], media["transfer-syntax"], media["start-info"]);
        }
        catch (ArgumentException e)
        {
            throw new MultipartFormatException(e.Message, e);
        }
    }

    public override string ToString()
    {
        var parameters = new List<KeyValuePair<string, string>>();
        if (Type is not null)
            parameters.Add(new("type", Type));
        if (TransferSyntax is not null)
            parameters.Add(new("transfer-syntax", TransferSyntax));
        if (Start is not null)
            parameters.Add(new("start", Start));
        if (StartInfo is not null)
            parameters.Add(new("start-info", StartInfo));
        parameters.Add(new("boundary", Boundary));
        return new MediaTypeValue(MediaTypeName, parameters).ToString();
    }

    /// <summary>A fresh random boundary (32 hex digits: a collision with part content is not a practical concern).</summary>
    public static string NewBoundary() => "DrimCloud-" + Guid.NewGuid().ToString("N");

    internal static void ValidateBoundary(string boundary)
    {
        ArgumentException.ThrowIfNullOrEmpty(boundary);
        if (boundary.Length > MaxBoundaryLength)
            throw new ArgumentException($"Boundary longer than {MaxBoundaryLength} characters.", nameof(boundary));
        foreach (var c in boundary)
        {
            // Visible ASCII and space (RFC 2046 bcharsnospace plus a few more seen in the wild); never CR/LF.
            if (c < ' ' || c > '~')
                throw new ArgumentException("Boundary contains a control or non-ASCII character.", nameof(boundary));
        }
        if (boundary[^1] == ' ')
            throw new ArgumentException("Boundary must not end with a space.", nameof(boundary));
    }
}
