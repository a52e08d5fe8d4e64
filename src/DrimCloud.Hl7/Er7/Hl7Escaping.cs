using System.Globalization;
using System.Text;

namespace DrimCloud.Hl7.Er7;

/// <summary>
/// HL7 escape sequences (chapter 2.7): <c>\F\ \S\ \T\ \R\ \E\</c> for the delimiters, <c>\Xhh…\</c> for raw bytes in
/// the message's character set, <c>\.br\</c> for a line break. Unknown or unterminated sequences are kept as written,
/// as the standard allows, so unescaping never fails.
/// </summary>
public static class Hl7Escaping
{
    public static string Unescape(string value, Hl7Delimiters d, Encoding encoding)
    {
        var start = value.IndexOf(d.Escape, StringComparison.Ordinal);
        if (start < 0) return value;
        var sb = new StringBuilder(value.Length);
        sb.Append(value, 0, start);
        var i = start;
        while (i < value.Length)
        {
            var c = value[i];
            if (c != d.Escape) { sb.Append(c); i++; continue; }
            var end = value.IndexOf(d.Escape, i + 1);
            if (end < 0) { sb.Append(value, i, value.Length - i); break; }
            var body = value.AsSpan(i + 1, end - i - 1);
            if (TryDecode(body, d, encoding, sb)) i = end + 1;
            else { sb.Append(c); i++; } // not a sequence we know: keep the escape character literally
        }
        return sb.ToString();
    }

    private static bool TryDecode(ReadOnlySpan<char> body, Hl7Delimiters d, Encoding encoding, StringBuilder sb)
    {
        switch (body)
        {
            case "F": sb.Append(d.Field); return true;
            case "S": sb.Append(d.Component); return true;
            case "T": sb.Append(d.Subcomponent); return true;
            case "R": sb.Append(d.Repetition); return true;
            case "E": sb.Append(d.Escape); return true;
            case ".br": sb.Append('\n'); return true;
        }
        if (body.Length >= 3 && body[0] == 'X' && (body.Length - 1) % 2 == 0)
        {
            var bytes = new byte[(body.Length - 1) / 2];
            for (var k = 0; k < bytes.Length; k++)
            {
                if (!byte.TryParse(body.Slice(1 + 2 * k, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes[k]))
                    return false;
            }
            sb.Append(encoding.GetString(bytes));
            return true;
        }
        return false;
    }

    /// <summary>Escapes delimiters, and carriage returns / line feeds (which would end the segment) as hex.</summary>
    public static string Escape(string value, Hl7Delimiters d)
    {
        var needs = false;
        foreach (var c in value)
        {
            if (d.IsDelimiter(c) || c is '\r' or '\n') { needs = true; break; }
        }
        if (!needs) return value;
        var sb = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            if (c == d.Field) sb.Append(d.Escape).Append('F').Append(d.Escape);
            else if (c == d.Component) sb.Append(d.Escape).Append('S').Append(d.Escape);
            else if (c == d.Subcomponent) sb.Append(d.Escape).Append('T').Append(d.Escape);
            else if (c == d.Repetition) sb.Append(d.Escape).Append('R').Append(d.Escape);
            else if (c == d.Escape) sb.Append(d.Escape).Append('E').Append(d.Escape);
            else if (c == '\r') sb.Append(d.Escape).Append("X0D").Append(d.Escape);
            else if (c == '\n') sb.Append(d.Escape).Append("X0A").Append(d.Escape);
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
