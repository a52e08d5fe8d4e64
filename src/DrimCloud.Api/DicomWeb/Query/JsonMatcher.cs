using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DrimCloud.Dicom;

namespace DrimCloud.Api.DicomWeb.Query;

/// <summary>
/// Matches a key against stored DICOM JSON (the attributes the index has no column for, and sequence paths), with
/// the same rules as the SQL side: case-sensitive text, person names folded (case and accents ignored), any value of
/// a multi-valued attribute, any item of a sequence.
/// </summary>
public static class JsonMatcher
{
    /// <summary>A predicate on the JSON object of the key's level (null when the row has none: only universal matches).</summary>
    public static Func<JsonElement?, bool> Compile(MatchKey key)
    {
        if (key.Matcher is UniversalMatch) return _ => true;
        var isName = key.VR == DicomVR.PN;
        var matchValue = Value(key.Matcher, key.VR);
        var tags = key.Path.Tags.Select(t => t.ToJsonKey()).ToArray();
        return dataset => dataset is { ValueKind: JsonValueKind.Object } d && MatchesPath(d, tags, 0, isName, matchValue);
    }

    private static bool MatchesPath(JsonElement dataset, string[] tags, int depth, bool isName, Func<string, bool> matchValue)
    {
        if (!dataset.TryGetProperty(tags[depth], out var element) || !element.TryGetProperty("Value", out var values) || values.ValueKind != JsonValueKind.Array)
            return false;
        foreach (var value in values.EnumerateArray())
        {
            if (depth < tags.Length - 1)
            {
                if (value.ValueKind == JsonValueKind.Object && MatchesPath(value, tags, depth + 1, isName, matchValue)) return true;
            }
            else if (Text(value, isName) is { } text && matchValue(text))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A value as text: strings as they are, numbers as written, person names as "Alphabetic=Ideographic=Phonetic".</summary>
    public static string? Text(JsonElement value, bool isName) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.Object when isName => string.Join('=', new[] { "Alphabetic", "Ideographic", "Phonetic" }
            .Select(g => value.TryGetProperty(g, out var part) ? part.GetString() ?? "" : "")).TrimEnd('='),
        _ => null,
    };

    private static Func<string, bool> Value(Matcher matcher, DicomVR vr)
    {
        var isName = vr == DicomVR.PN;
        var isNumber = vr == DicomVR.IS || vr == DicomVR.DS || vr == DicomVR.FL || vr == DicomVR.FD || vr == DicomVR.US
            || vr == DicomVR.UL || vr == DicomVR.SS || vr == DicomVR.SL || vr == DicomVR.SV || vr == DicomVR.UV;
        Func<string, string> normal = isName ? SqlPredicates.Fold : s => s.Trim();
        if (matcher is WildcardMatch wildcard)
        {
            var regex = Regex(normal(wildcard.Pattern), anchoredEnd: true);
            return stored => regex.IsMatch(normal(stored));
        }
        return matcher switch
        {
            SingleValueMatch single when isNumber => stored => SameNumber(stored, single.Value),
            SingleValueMatch single => stored => normal(stored) == normal(single.Value),
            ListMatch list => stored => list.Values.Contains(normal(stored), StringComparer.Ordinal),
            RangeMatch range => stored => InRange(stored.Trim(), range),
            FuzzyNameMatch fuzzy => FuzzyName(fuzzy),
            _ => throw new NotSupportedException(matcher.GetType().Name),
        };
    }

    private static bool SameNumber(string stored, string wanted) =>
        double.TryParse(stored, NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
        && double.TryParse(wanted, NumberStyles.Float, CultureInfo.InvariantCulture, out var b)
        && a == b;

    private static bool InRange(string stored, RangeMatch range) =>
        (range.Lower is null || string.CompareOrdinal(stored, range.Lower) >= 0)
        && (range.Upper is null || string.CompareOrdinal(stored, range.Upper) <= 0);

    private static Func<string, bool> FuzzyName(FuzzyNameMatch fuzzy)
    {
        var words = fuzzy.Words.Select(w => Regex(w, anchoredEnd: false)).ToList();
        return stored =>
        {
            var components = SqlPredicates.Fold(stored).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return words.All(w => components.Any(c => w.IsMatch(c)));
        };
    }

    /// <summary>DICOM "*" and "?" as a regular expression; everything else literal.</summary>
    public static Regex Regex(string pattern, bool anchoredEnd)
    {
        var builder = new StringBuilder("^");
        foreach (var c in pattern)
        {
            builder.Append(c switch
            {
                '*' => ".*",
                '?' => ".",
                _ => System.Text.RegularExpressions.Regex.Escape(c.ToString()),
            });
        }
        if (anchoredEnd) builder.Append('$');
        return new Regex(builder.ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}
