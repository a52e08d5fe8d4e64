using System.Text;

namespace DrimCloud.Hl7.Er7;

/// <summary>
/// Parses ER7 messages. Delimiters come from MSH-1/MSH-2 and the character set from MSH-18. Segments end with CR
/// (the standard); CRLF and bare LF are tolerated because files and some senders use them. With bare LF only, a line
/// that does not start with a segment id is taken as a line break inside the previous segment's data (seen in the ANS
/// DRIMbox prototype's test message); after a CR it is an error. Every failure is an <see cref="Hl7Exception"/>.
/// </summary>
public static class Hl7Parser
{
    public static Hl7Message Parse(ReadOnlySpan<byte> bytes, Hl7ParseLimits? limits = null)
    {
        limits ??= Hl7ParseLimits.Default;
        if (bytes.Length > limits.MaxMessageBytes)
            throw new Hl7Exception(Hl7ErrorCode.ApplicationInternalError,
                $"The message has {bytes.Length} bytes, more than the {limits.MaxMessageBytes} accepted.");
        bytes = SkipLeadingNoise(bytes);
        var delimiters = ReadDelimiters(bytes);
        var charset = ReadCharset(bytes, delimiters);
        var encoding = Hl7Charsets.Resolve(charset, limits.DefaultCharset);
        return ParseText(encoding.GetString(bytes), delimiters, encoding, string.IsNullOrWhiteSpace(charset) ? limits.DefaultCharset : charset, limits);
    }

    /// <summary>Parses a message already decoded to text (MSH-18 is then only recorded, not applied).</summary>
    public static Hl7Message Parse(string text, Hl7ParseLimits? limits = null)
    {
        limits ??= Hl7ParseLimits.Default;
        var trimmed = text.TrimStart('\uFEFF', '\r', '\n', ' ', '\t');
        var latin = Encoding.Latin1.GetBytes(trimmed[..Math.Min(trimmed.Length, 8)]);
        var delimiters = ReadDelimiters(latin);
        return ParseText(trimmed, delimiters, new UTF8Encoding(false), limits.DefaultCharset, limits);
    }

    private static ReadOnlySpan<byte> SkipLeadingNoise(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith("\xEF\xBB\xBF"u8)) bytes = bytes[3..];
        var i = 0;
        while (i < bytes.Length && bytes[i] is (byte)'\r' or (byte)'\n' or (byte)' ' or (byte)'\t') i++;
        return bytes[i..];
    }

    private static Hl7Delimiters ReadDelimiters(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8 || bytes[0] != 'M' || bytes[1] != 'S' || bytes[2] != 'H')
            throw new Hl7Exception(Hl7ErrorCode.SegmentSequenceError, "The message does not start with an MSH segment.", "MSH^1");
        var field = (char)bytes[3];
        var end = bytes[4..].IndexOf(bytes[3]);
        if (end is < 4 or > 5)
            throw new Hl7Exception(Hl7ErrorCode.DataTypeError, "MSH-2 must hold 4 (or 5) encoding characters.", "MSH^1^2");
        var enc = bytes.Slice(4, end);
        Span<char> all = stackalloc char[end + 1];
        all[0] = field;
        for (var i = 0; i < end; i++) all[i + 1] = (char)enc[i];
        for (var i = 0; i < all.Length; i++)
        {
            if (all[i] < 0x21 || all[i] > 0x7E || char.IsAsciiLetterOrDigit(all[i]))
                throw new Hl7Exception(Hl7ErrorCode.DataTypeError, "MSH-1/MSH-2 delimiters must be printable, non-alphanumeric ASCII characters.", "MSH^1^2");
            for (var j = 0; j < i; j++)
            {
                if (all[i] == all[j])
                    throw new Hl7Exception(Hl7ErrorCode.DataTypeError, "MSH-1/MSH-2 delimiters must all differ.", "MSH^1^2");
            }
        }
        return new Hl7Delimiters(field, all[1], all[2], all[3], all[4]);
    }

    // MSH-18 is read from the raw bytes (ASCII in practice) before the message can be decoded.
    private static string ReadCharset(ReadOnlySpan<byte> bytes, Hl7Delimiters d)
    {
        var lineEnd = bytes.IndexOfAny((byte)'\r', (byte)'\n');
        var msh = Encoding.Latin1.GetString(lineEnd < 0 ? bytes : bytes[..lineEnd]);
        var parts = msh.Split(d.Field);
        if (parts.Length <= 17) return "";
        var value = parts[17];
        var rep = value.IndexOf(d.Repetition, StringComparison.Ordinal);
        if (rep >= 0) value = value[..rep];
        var comp = value.IndexOf(d.Component, StringComparison.Ordinal);
        return (comp >= 0 ? value[..comp] : value).Trim();
    }

    private static Hl7Message ParseText(string text, Hl7Delimiters d, Encoding encoding, string charset, Hl7ParseLimits limits)
    {
        var lines = new List<string>();
        var pos = 0;
        var previousBreakWasBareLf = false;
        while (pos < text.Length)
        {
            var next = text.AsSpan(pos).IndexOfAny('\r', '\n');
            var end = next < 0 ? text.Length : pos + next;
            var line = text[pos..end];
            var bareLf = next >= 0 && text[end] == '\n';
            var breakLength = next < 0 ? 0 : text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? 2 : 1;
            pos = end + breakLength;
            if (line.Length == 0) { previousBreakWasBareLf = bareLf; continue; }
            if (!StartsWithSegmentId(line, d))
            {
                if (lines.Count > 0 && previousBreakWasBareLf)
                    lines[^1] = lines[^1] + "\n" + line;
                else
                    throw new Hl7Exception(Hl7ErrorCode.SegmentSequenceError,
                        $"Segment {lines.Count + 1} does not start with a segment id (three upper-case letters or digits).");
            }
            else
            {
                lines.Add(line);
                if (lines.Count > limits.MaxSegments)
                    throw new Hl7Exception(Hl7ErrorCode.ApplicationInternalError, $"The message has more than {limits.MaxSegments} segments.");
            }
            previousBreakWasBareLf = bareLf;
        }
        if (lines.Count == 0 || !lines[0].StartsWith("MSH", StringComparison.Ordinal))
            throw new Hl7Exception(Hl7ErrorCode.SegmentSequenceError, "The message does not start with an MSH segment.", "MSH^1");

        var segments = new List<Hl7Segment>(lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            var parts = lines[i].Split(d.Field);
            if (parts.Length - 1 > limits.MaxFieldsPerSegment)
                throw new Hl7Exception(Hl7ErrorCode.ApplicationInternalError,
                    $"Segment {parts[0]} (#{i + 1}) has more than {limits.MaxFieldsPerSegment} fields.", $"{parts[0]}^{i + 1}");
            if (i == 0)
            {
                // MSH-1 is the separator itself: shift so that field numbers match the standard.
                var fields = new string[parts.Length + 1];
                fields[0] = "MSH";
                fields[1] = d.Field.ToString();
                Array.Copy(parts, 1, fields, 2, parts.Length - 1);
                parts = fields;
            }
            else if (parts[0] == "MSH")
            {
                throw new Hl7Exception(Hl7ErrorCode.SegmentSequenceError, $"Segment #{i + 1} is a second MSH: one message per frame.", $"MSH^{i + 1}");
            }
            segments.Add(new Hl7Segment(parts, d, encoding));
        }

        var message = new Hl7Message(segments, d, encoding, charset);
        if (message.MessageType.Length == 0)
            throw new Hl7Exception(Hl7ErrorCode.RequiredFieldMissing, "MSH-9 (message type) is empty.", "MSH^1^9");
        if (message.ControlId.Length == 0)
            throw new Hl7Exception(Hl7ErrorCode.RequiredFieldMissing, "MSH-10 (message control id) is empty.", "MSH^1^10");
        if (message.Version.Length == 0)
            throw new Hl7Exception(Hl7ErrorCode.RequiredFieldMissing, "MSH-12 (version id) is empty.", "MSH^1^12");
        return message;
    }

    private static bool StartsWithSegmentId(string line, Hl7Delimiters d)
    {
        if (line.Length < 3) return false;
        if (!char.IsAsciiLetterUpper(line[0]) && !(line[0] == 'Z')) return false;
        if (!(char.IsAsciiLetterUpper(line[1]) || char.IsAsciiDigit(line[1])) || !(char.IsAsciiLetterUpper(line[2]) || char.IsAsciiDigit(line[2])))
            return false;
        return line.Length == 3 || line[3] == d.Field;
    }
}
