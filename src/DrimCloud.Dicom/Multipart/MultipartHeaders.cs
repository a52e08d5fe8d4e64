using System.Globalization;

namespace DrimCloud.Dicom.Multipart;

/// <summary>
/// The headers of one body part, in order, with case-insensitive lookup and typed accessors for the ones DICOMweb
/// uses (<c>Content-Type</c>, <c>Content-Location</c>, <c>Content-Length</c>, <c>Content-ID</c>).
/// </summary>
public sealed class MultipartHeaders
{
    public const string ContentTypeName = "Content-Type";
    public const string ContentLocationName = "Content-Location";
    public const string ContentLengthName = "Content-Length";
    public const string ContentIdName = "Content-ID";

    private readonly List<KeyValuePair<string, string>> _headers = [];

    public IReadOnlyList<KeyValuePair<string, string>> All => _headers;

    /// <summary>The first value of a header (case-insensitive name), or null.</summary>
    public string? this[string name]
    {
        get
        {
            foreach (var (key, value) in _headers)
            {
                if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                    return value;
            }
            return null;
        }
    }

    public string? ContentType
    {
        get => this[ContentTypeName];
        set => Set(ContentTypeName, value);
    }

    public string? ContentLocation
    {
        get => this[ContentLocationName];
        set => Set(ContentLocationName, value);
    }

    public string? ContentId
    {
        get => this[ContentIdName];
        set => Set(ContentIdName, value);
    }

    /// <summary>The declared length of the part body, or null when absent.</summary>
    /// <exception cref="MultipartFormatException">The header is present but not a non-negative integer.</exception>
    public long? ContentLength
    {
        get
        {
            var raw = this[ContentLengthName];
            if (raw is null)
                return null;
            if (long.TryParse(raw.AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
                return length;
            throw new MultipartFormatException($"Invalid part Content-Length '{raw}'.");
        }
        set => Set(ContentLengthName, value?.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Parsed <c>Content-Type</c>, or null when absent or unparsable.</summary>
    public MediaTypeValue? MediaType => MediaTypeValue.TryParse(ContentType, out var media) ? media : null;

    /// <summary>Appends a header (several headers may share a name).</summary>
    public void Add(string name, string value)
    {
        ValidateHeader(name, value);
        _headers.Add(new(name, value));
    }

    /// <summary>Replaces every header with that name by one value, or removes them when the value is null.</summary>
    public void Set(string name, string? value)
    {
        _headers.RemoveAll(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
        if (value is not null)
            Add(name, value);
    }

    private static void ValidateHeader(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        foreach (var c in name)
        {
            if (c <= ' ' || c >= 127 || c == ':')
                throw new ArgumentException($"Invalid header name '{name}'.", nameof(name));
        }
        if (value.AsSpan().ContainsAny('\r', '\n'))
            throw new ArgumentException($"Header '{name}' value contains CR or LF.", nameof(value));
    }
}
