using System.Text;

namespace DrimCloud.Dicom.Multipart;

/// <summary>
/// A media type with parameters, as found in a <c>Content-Type</c> or <c>Accept</c> value:
/// <c>multipart/related; type="application/dicom"; boundary=abc</c>. Parsing is tolerant of what real clients
/// send (quoted or unquoted values, unquoted values holding '/' or '+', spaces around ';' and '=', empty
/// parameters); names compare case-insensitively, values keep their case (a boundary is case-sensitive).
/// </summary>
public sealed class MediaTypeValue
{
    private readonly List<KeyValuePair<string, string>> _parameters;

    public MediaTypeValue(string mediaType, IEnumerable<KeyValuePair<string, string>>? parameters = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mediaType);
        MediaType = mediaType.Trim();
        _parameters = parameters is null ? [] : [.. parameters];
    }

    /// <summary>The <c>type/subtype</c> part, as written (compare with <see cref="IsMediaType"/>).</summary>
    public string MediaType { get; }

    /// <summary>Parameters in the order they were written.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters => _parameters;

    public bool IsMediaType(string mediaType) => string.Equals(MediaType, mediaType, StringComparison.OrdinalIgnoreCase);

    /// <summary>The value of the first parameter with that name (case-insensitive), or null.</summary>
    public string? this[string name]
    {
        get
        {
            foreach (var (key, value) in _parameters)
            {
                if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                    return value;
            }
            return null;
        }
    }

    /// <summary>Parses a header value; throws <see cref="FormatException"/> when there is no <c>type/subtype</c>.</summary>
    public static MediaTypeValue Parse(string value)
    {
        if (!TryParse(value, out var result, out var error))
            throw new FormatException($"Invalid media type '{value}': {error}");
        return result;
    }

    public static bool TryParse(string? value, out MediaTypeValue result) => TryParse(value, out result, out _);

    private static bool TryParse(string? value, out MediaTypeValue result, out string error)
    {
        result = null!;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "empty value";
            return false;
        }

        var span = value.AsSpan();
        var semicolon = span.IndexOf(';');
        var mediaType = (semicolon < 0 ? span : span[..semicolon]).Trim();
        var slash = mediaType.IndexOf('/');
        if (slash <= 0 || slash == mediaType.Length - 1 || mediaType.ContainsAny(" \t\"") || mediaType[(slash + 1)..].Contains('/'))
        {
            error = "expected type/subtype";
            return false;
        }

        var parameters = new List<KeyValuePair<string, string>>();
        var position = semicolon < 0 ? span.Length : semicolon + 1;
        while (position < span.Length)
        {
            if (!TryReadParameter(span, ref position, out var name, out var parameterValue, out error))
                return false;
            if (name.Length > 0)
                parameters.Add(new(name, parameterValue));
        }

        result = new MediaTypeValue(mediaType.ToString(), parameters);
        error = "";
        return true;
    }

    // Reads "name=value" or "name=\"quoted\"" up to and including the next ';'. An empty segment (";;") yields
    // an empty name, which the caller skips.
    private static bool TryReadParameter(ReadOnlySpan<char> span, ref int position, out string name, out string value, out string error)
    {
        name = "";
        value = "";
        error = "";
        SkipWhitespace(span, ref position);
        var nameStart = position;
        while (position < span.Length && span[position] is not ('=' or ';'))
            position++;
        var rawName = span[nameStart..position].Trim();
        if (position >= span.Length || span[position] == ';')
        {
            position++;
            if (rawName.IsEmpty)
                return true;
            error = $"parameter '{rawName}' has no value";
            return false;
        }

        position++; // '='
        SkipWhitespace(span, ref position);
        if (position < span.Length && span[position] == '"')
        {
            if (!TryReadQuotedString(span, ref position, out value))
            {
                error = $"unterminated quoted value for parameter '{rawName}'";
                return false;
            }
            SkipWhitespace(span, ref position);
            if (position < span.Length && span[position] != ';')
            {
                error = $"unexpected text after the quoted value of parameter '{rawName}'";
                return false;
            }
            position++;
        }
        else
        {
            var valueStart = position;
            while (position < span.Length && span[position] != ';')
                position++;
            value = span[valueStart..position].Trim().ToString();
            position++;
        }

        if (rawName.IsEmpty || rawName.ContainsAny(" \t\""))
        {
            error = "invalid parameter name";
            return false;
        }
        name = rawName.ToString();
        return true;
    }

    private static bool TryReadQuotedString(ReadOnlySpan<char> span, ref int position, out string value)
    {
        var builder = new StringBuilder();
        position++; // opening quote
        while (position < span.Length)
        {
            var c = span[position++];
            if (c == '"')
            {
                value = builder.ToString();
                return true;
            }
            if (c == '\\' && position < span.Length)
                c = span[position++];
            builder.Append(c);
        }
        value = "";
        return false;
    }

    private static void SkipWhitespace(ReadOnlySpan<char> span, ref int position)
    {
        while (position < span.Length && span[position] is ' ' or '\t')
            position++;
    }

    /// <summary>Formats as a header value, quoting parameter values that are not plain tokens.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder(MediaType);
        foreach (var (name, value) in _parameters)
        {
            builder.Append("; ").Append(name).Append('=');
            AppendValue(builder, value);
        }
        return builder.ToString();
    }

    private static void AppendValue(StringBuilder builder, string value)
    {
        if (value.Length > 0 && IsToken(value))
        {
            builder.Append(value);
            return;
        }
        builder.Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
                builder.Append('\\');
            builder.Append(c);
        }
        builder.Append('"');
    }

    // RFC 7230 token characters: visible ASCII except separators.
    private static bool IsToken(string value)
    {
        foreach (var c in value)
        {
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal))
                return false;
        }
        return true;
    }
}
