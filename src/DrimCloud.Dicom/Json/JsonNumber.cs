namespace DrimCloud.Dicom;

/// <summary>Turns the text of an IS or DS value into a valid JSON number literal when it denotes a finite number.</summary>
internal static class JsonNumber
{
    /// <summary>
    /// Accepts the DS/IS grammar ([+-] digits [. digits] [e|E [+-] digits], with a leading or trailing '.' allowed)
    /// and rewrites it to JSON's stricter grammar: no '+', no leading zeros, digits on both sides of the '.'.
    /// Returns false for anything else (the caller then writes the value as a string).
    /// </summary>
    public static bool TryNormalize(ReadOnlySpan<byte> text, Span<byte> output, out int written)
    {
        written = 0;
        if (text.IsEmpty || text.Length > 64 || output.Length < 80)
        {
            return false;
        }

        var o = 0;
        var i = 0;
        if (text[i] is (byte)'+' or (byte)'-')
        {
            if (text[i] == '-')
            {
                output[o++] = (byte)'-';
            }

            i++;
        }

        var intStart = i;
        while (i < text.Length && char.IsAsciiDigit((char)text[i]))
        {
            i++;
        }

        var intDigits = text[intStart..i];
        var fraction = ReadOnlySpan<byte>.Empty;
        var hasDot = false;
        if (i < text.Length && text[i] == '.')
        {
            hasDot = true;
            i++;
            var fracStart = i;
            while (i < text.Length && char.IsAsciiDigit((char)text[i]))
            {
                i++;
            }

            fraction = text[fracStart..i];
        }

        if (intDigits.IsEmpty && fraction.IsEmpty)
        {
            return false;
        }

        var trimmedInt = intDigits.TrimStart((byte)'0');
        if (trimmedInt.IsEmpty)
        {
            output[o++] = (byte)'0';
        }
        else
        {
            foreach (var b in trimmedInt)
            {
                output[o++] = b;
            }
        }

        if (hasDot && !fraction.IsEmpty)
        {
            output[o++] = (byte)'.';
            foreach (var b in fraction)
            {
                output[o++] = b;
            }
        }

        if (i < text.Length && text[i] is (byte)'e' or (byte)'E')
        {
            output[o++] = (byte)'e';
            i++;
            if (i < text.Length && text[i] is (byte)'+' or (byte)'-')
            {
                output[o++] = text[i];
                i++;
            }

            var expStart = i;
            while (i < text.Length && char.IsAsciiDigit((char)text[i]))
            {
                output[o++] = text[i];
                i++;
            }

            if (i == expStart)
            {
                return false;
            }
        }

        if (i != text.Length)
        {
            return false;
        }

        if (!double.TryParse(output[..o], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            return false;
        }

        written = o;
        return true;
    }
}
