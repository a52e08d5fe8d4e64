using System.Buffers.Binary;
using System.Globalization;

namespace DrimCloud.Dicom;

/// <summary>Decoding rules for string values shared by the accessors, the dump and DICOM JSON.</summary>
public static class DicomValues
{
    /// <summary>Removes the padding a VR allows at the end of a value (NUL for UI, spaces for text; both are tolerated).</summary>
    public static ReadOnlySpan<byte> TrimPadding(ReadOnlySpan<byte> value, DicomVR vr)
    {
        var end = value.Length;
        if (vr.UsesCharacterSet && vr != DicomVR.PN && vr != DicomVR.SH && vr != DicomVR.LO)
        {
            // LT, ST, UT, UC: only trailing spaces are padding; leading spaces are significant.
            while (end > 0 && (value[end - 1] == ' ' || value[end - 1] == 0))
            {
                end--;
            }

            return value[..end];
        }

        while (end > 0 && (value[end - 1] == ' ' || value[end - 1] == 0))
        {
            end--;
        }

        return value[..end];
    }

    /// <summary>Splits a decoded string into its values (not for LT/ST/UT/UR, which are single-valued) and trims
    /// the spaces that PS3.5 Table 6.2-1 calls insignificant for the VR.</summary>
    public static string[] SplitValues(string text, DicomVR vr)
    {
        if (text.Length == 0)
        {
            return [];
        }

        if (!vr.IsMultiValuedString)
        {
            return [text];
        }

        var parts = text.Split('\\');
        var trimBoth = TrimsLeadingSpaces(vr);
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = trimBoth ? parts[i].Trim(' ', '\0') : parts[i].TrimEnd(' ', '\0');
        }

        return parts;
    }

    private static bool TrimsLeadingSpaces(DicomVR vr) =>
        vr == DicomVR.DS || vr == DicomVR.IS || vr == DicomVR.AE || vr == DicomVR.CS || vr == DicomVR.DA
        || vr == DicomVR.TM || vr == DicomVR.DT || vr == DicomVR.UI || vr == DicomVR.SH || vr == DicomVR.LO
        || vr == DicomVR.AS || vr == DicomVR.UC;

    /// <summary>Size in bytes of one value of a binary VR, 0 for others.</summary>
    public static int BinaryValueSize(DicomVR vr) => vr.Code switch
    {
        0x5355 or 0x5353 => 2,
        0x4C55 or 0x4C53 or 0x4C46 or 0x5441 => 4,
        0x4446 or 0x5653 or 0x5655 => 8,
        _ => 0,
    };

    /// <summary>Value <paramref name="index"/> of a binary numeric value as a double (US, SS, UL, SL, FL, FD, SV, UV).</summary>
    public static double ReadBinaryNumber(ReadOnlySpan<byte> value, DicomVR vr, int index, bool bigEndian)
    {
        var size = BinaryValueSize(vr);
        var span = value.Slice(index * size, size);
        return vr.Code switch
        {
            0x5355 => ByteOrder.U16(span, bigEndian),
            0x5353 => (short)ByteOrder.U16(span, bigEndian),
            0x4C55 => ByteOrder.U32(span, bigEndian),
            0x4C53 => (int)ByteOrder.U32(span, bigEndian),
            0x4C46 => BitConverter.UInt32BitsToSingle(ByteOrder.U32(span, bigEndian)),
            0x4446 => BitConverter.UInt64BitsToDouble(bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(span) : BinaryPrimitives.ReadUInt64LittleEndian(span)),
            0x5653 => bigEndian ? BinaryPrimitives.ReadInt64BigEndian(span) : BinaryPrimitives.ReadInt64LittleEndian(span),
            0x5655 => bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(span) : BinaryPrimitives.ReadUInt64LittleEndian(span),
            _ => throw new InvalidOperationException($"{vr} is not a binary number VR."),
        };
    }

    /// <summary>Exact 64-bit integer reading for SV/UV and the smaller integer VRs.</summary>
    public static bool TryReadBinaryInteger(ReadOnlySpan<byte> value, DicomVR vr, int index, bool bigEndian, out long result, out ulong unsignedResult)
    {
        var size = BinaryValueSize(vr);
        var span = value.Slice(index * size, size);
        unsignedResult = 0;
        switch (vr.Code)
        {
            case 0x5355: result = ByteOrder.U16(span, bigEndian); return true;
            case 0x5353: result = (short)ByteOrder.U16(span, bigEndian); return true;
            case 0x4C55: result = ByteOrder.U32(span, bigEndian); return true;
            case 0x4C53: result = (int)ByteOrder.U32(span, bigEndian); return true;
            case 0x5653: result = bigEndian ? BinaryPrimitives.ReadInt64BigEndian(span) : BinaryPrimitives.ReadInt64LittleEndian(span); return true;
            case 0x5655:
                unsignedResult = bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(span) : BinaryPrimitives.ReadUInt64LittleEndian(span);
                result = unchecked((long)unsignedResult);
                return true;
            default: result = 0; return false;
        }
    }

    public static bool TryParseDecimalString(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    public static bool TryParseIntegerString(string text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out value);

    /// <summary>DA "YYYYMMDD" (and the ACR-NEMA "YYYY.MM.DD").</summary>
    public static bool TryParseDate(string text, out DateOnly date)
    {
        var t = text.Replace(".", string.Empty, StringComparison.Ordinal);
        return DateOnly.TryParseExact(t, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    /// <summary>TM "HH[MM[SS[.F{1-6}]]]" (and the ACR-NEMA "HH:MM:SS").</summary>
    public static bool TryParseTime(string text, out TimeOnly time)
    {
        time = default;
        var t = text.Replace(":", string.Empty, StringComparison.Ordinal).Trim();
        var fraction = 0.0;
        var dot = t.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            if (!double.TryParse("0" + t[dot..], NumberStyles.Float, CultureInfo.InvariantCulture, out fraction))
            {
                return false;
            }

            t = t[..dot];
        }

        if (t.Length is not (2 or 4 or 6) || !t.All(char.IsAsciiDigit))
        {
            return false;
        }

        var hours = int.Parse(t[..2], CultureInfo.InvariantCulture);
        var minutes = t.Length >= 4 ? int.Parse(t[2..4], CultureInfo.InvariantCulture) : 0;
        var seconds = t.Length >= 6 ? int.Parse(t[4..6], CultureInfo.InvariantCulture) : 0;
        if (hours > 23 || minutes > 59 || seconds > 60)
        {
            return false;
        }

        time = new TimeOnly(hours, minutes, Math.Min(seconds, 59)).Add(TimeSpan.FromTicks((long)Math.Round(fraction * TimeSpan.TicksPerSecond)));
        return true;
    }

    /// <summary>DT "YYYY[MM[DD[HH[MM[SS[.F]]]]]][&amp;ZZXX]"; without an offset the time is taken as UTC.</summary>
    public static bool TryParseDateTime(string text, out DateTimeOffset value)
    {
        value = default;
        var t = text.Trim();
        var offset = TimeSpan.Zero;
        var sign = t.IndexOfAny(['+', '-'], 4 <= t.Length ? 4 : 0);
        if (sign >= 0)
        {
            var zone = t[(sign + 1)..];
            if (zone.Length != 4 || !int.TryParse(zone[..2], NumberStyles.None, CultureInfo.InvariantCulture, out var zh)
                || !int.TryParse(zone[2..], NumberStyles.None, CultureInfo.InvariantCulture, out var zm))
            {
                return false;
            }

            offset = new TimeSpan(zh, zm, 0) * (t[sign] == '-' ? -1 : 1);
            t = t[..sign];
        }

        var datePart = t.Length >= 8 ? t[..8] : t.PadRight(8, '0');
        if (t.Length < 8)
        {
            datePart = t.Length == 4 ? t + "0101" : t.Length == 6 ? t + "01" : datePart;
        }

        if (!DateOnly.TryParseExact(datePart, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return false;
        }

        var time = TimeOnly.MinValue;
        if (t.Length > 8 && !TryParseTime(t[8..], out time))
        {
            return false;
        }

        value = new DateTimeOffset(date.ToDateTime(time), offset);
        return true;
    }
}
