using System.Globalization;
using DrimCloud.Api.DicomWeb.Store;
using DrimCloud.Dicom;

namespace DrimCloud.Api.DicomWeb.Query;

/// <summary>Turns the value of a query key into a <see cref="Matcher"/> by the rules of its VR (PS3.4 C.2.2.2).</summary>
public static class MatchValueParser
{
    private const int MaxListValues = 1000;

    public static Matcher Parse(string parameter, DicomVR vr, string value, bool fuzzy)
    {
        if (value.Length == 0) return new UniversalMatch();
        if (vr == DicomVR.UI) return Uids(parameter, value);
        if (vr == DicomVR.DA) return DateRange(parameter, value, IsDate, "a date (YYYYMMDD)", end: v => v);
        if (vr == DicomVR.TM) return DateRange(parameter, value, IsTime, "a time (HH[MM[SS[.F{1,6}]]])", EndOfTime);
        if (vr == DicomVR.DT) return DateRange(parameter, value, IsDateTime, "a date-time (YYYY[MM[DD[HH[MM[SS[.F]]]]]][+-ZZXX])", v => v + "~");
        if (IsInteger(vr)) return Integer(parameter, value);
        if (vr == DicomVR.DS || vr == DicomVR.FL || vr == DicomVR.FD) return Decimal(parameter, value);
        if (vr == DicomVR.PN) return PersonName(value, fuzzy);
        if (vr == DicomVR.CS) return Codes(value);
        if (vr.IsString) return Text(value.Trim());
        throw new QueryParameterException(parameter, $"{parameter} (VR {vr}) can only be given with an empty value, to have it returned.");
    }

    private static Matcher Uids(string parameter, string value)
    {
        if (value.AsSpan().IndexOfAny('*', '?') >= 0)
            throw new QueryParameterException(parameter, $"Wildcards are not allowed in UIDs ({parameter}).");
        var uids = value.Split(['\\', ','], StringSplitOptions.TrimEntries);
        if (uids.Any(u => u.Length is 0 or > 64))
            throw new QueryParameterException(parameter, $"{parameter} must be a UID or a comma- or backslash-separated list of UIDs.");
        if (uids.Length > MaxListValues)
            throw new QueryParameterException(parameter, $"{parameter} lists more than {MaxListValues} UIDs.");
        return uids.Length == 1 ? new SingleValueMatch(uids[0]) : new ListMatch(uids.Distinct(StringComparer.Ordinal).ToList());
    }

    /// <summary>"v", "a-b", "a-" or "-b"; a single date matches exactly, a single time or date-time matches its precision.</summary>
    private static Matcher DateRange(string parameter, string value, Func<string, bool> valid, string what, Func<string, string> end)
    {
        if (valid(value))
        {
            var single = end(value);
            return single == value ? new SingleValueMatch(value) : new RangeMatch(value, single);
        }
        // The range dash is the one with a valid value (or nothing) on each side: a DT may hold "-0500" as its UTC offset.
        for (var dash = value.IndexOf('-', StringComparison.Ordinal); dash >= 0; dash = value.IndexOf('-', dash + 1))
        {
            var lower = value[..dash];
            var upper = value[(dash + 1)..];
            if ((lower.Length == 0 && upper.Length == 0) || (lower.Length > 0 && !valid(lower)) || (upper.Length > 0 && !valid(upper))) continue;
            if (lower.Length > 0 && upper.Length > 0 && string.CompareOrdinal(lower, upper) > 0)
                throw new QueryParameterException(parameter, $"The range '{value}' of {parameter} ends before it starts.");
            return new RangeMatch(lower.Length == 0 ? null : lower, upper.Length == 0 ? null : end(upper));
        }
        throw new QueryParameterException(parameter, $"'{value}' is not {what} or a range of them, as {parameter} requires.");
    }

    private static bool IsDate(string v) =>
        v.Length == 8 && DateOnly.TryParseExact(v, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static bool IsTime(string v)
    {
        var dot = v.IndexOf('.', StringComparison.Ordinal);
        var whole = dot < 0 ? v : v[..dot];
        var fraction = dot < 0 ? "" : v[(dot + 1)..];
        if (whole.Length is not (2 or 4 or 6) || !whole.All(char.IsAsciiDigit)) return false;
        if (dot >= 0 && (whole.Length != 6 || fraction.Length is < 1 or > 6 || !fraction.All(char.IsAsciiDigit))) return false;
        return int.Parse(whole[..2], CultureInfo.InvariantCulture) < 24
            && (whole.Length < 4 || int.Parse(whole[2..4], CultureInfo.InvariantCulture) < 60)
            && (whole.Length < 6 || int.Parse(whole[4..6], CultureInfo.InvariantCulture) < 61);
    }

    private static bool IsDateTime(string v)
    {
        // An optional UTC offset, "+HHMM" or "-HHMM", ends the value.
        var body = v.Length > 9 && v[^5] is '+' or '-' && v[^4..].All(char.IsAsciiDigit) ? v[..^5] : v;
        var dot = body.IndexOf('.', StringComparison.Ordinal);
        var digits = dot < 0 ? body : body[..dot];
        return digits.Length is 4 or 6 or 8 or 10 or 12 or 14 && digits.All(char.IsAsciiDigit)
            && (dot < 0 || (digits.Length == 14 && body.Length - dot - 1 is >= 1 and <= 6 && body[(dot + 1)..].All(char.IsAsciiDigit)));
    }

    /// <summary>The last instant a time of this precision denotes: "10" → "105959.999999", "1030" → "103059.999999".</summary>
    public static string EndOfTime(string time)
    {
        const string Last = "005959.999999";
        var dot = time.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0) return time + Last[time.Length..];
        return time + new string('9', 6 - (time.Length - dot - 1));
    }

    private static bool IsInteger(DicomVR vr) =>
        vr == DicomVR.IS || vr == DicomVR.US || vr == DicomVR.UL || vr == DicomVR.SS || vr == DicomVR.SL || vr == DicomVR.SV || vr == DicomVR.UV;

    private static Matcher Integer(string parameter, string value) =>
        long.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? new SingleValueMatch(number.ToString(CultureInfo.InvariantCulture))
            : throw new QueryParameterException(parameter, $"{parameter} must be an integer (got '{value}').");

    private static Matcher Decimal(string parameter, string value) =>
        double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? new SingleValueMatch(value.Trim())
            : throw new QueryParameterException(parameter, $"{parameter} must be a number (got '{value}').");

    private static Matcher PersonName(string value, bool fuzzy)
    {
        if (value.Trim() == "*") return new UniversalMatch();
        if (!fuzzy) return Text(value.Trim());
        var words = (InstanceHeader.FoldName(value) ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length == 0 ? new UniversalMatch() : new FuzzyNameMatch(words);
    }

    /// <summary>Code strings cannot hold "," or "\": either separates alternatives (ModalitiesInStudy=CT\MR).</summary>
    private static Matcher Codes(string value)
    {
        var codes = value.Split(['\\', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (codes.Length <= 1) return Text(value.Trim());
        return new ListMatch(codes.Take(MaxListValues).Distinct(StringComparer.Ordinal).ToList());
    }

    private static Matcher Text(string value)
    {
        if (value.Length == 0 || value.All(c => c == '*')) return new UniversalMatch();
        return value.AsSpan().IndexOfAny('*', '?') >= 0 ? new WildcardMatch(value) : new SingleValueMatch(value);
    }
}
