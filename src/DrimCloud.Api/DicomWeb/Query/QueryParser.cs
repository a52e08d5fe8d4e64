using System.Globalization;
using DrimCloud.Dicom;

namespace DrimCloud.Api.DicomWeb.Query;

/// <summary>
/// Parses a QIDO-RS query string (PS3.18 §8.3.4) into a <see cref="QidoQuery"/>. Names and values are
/// percent-decoded per RFC 3986 — "+" stays a plus sign, it is not a form-encoded space — so "M%C3%BCller*" is
/// Müller* and "Smith%2A" is the wildcard Smith*. Anything the server cannot honour exactly is refused with a
/// <see cref="QueryParameterException"/> naming the parameter, rather than silently widening the search.
/// </summary>
public static class QueryParser
{
    public static QidoQuery Parse(QueryLevel target, string? studyUid, string? seriesUid, string? queryString)
    {
        var parameters = Split(queryString);
        var warnings = new List<string>();
        var include = new List<DicomTag>();
        var includeAll = false;
        bool? fuzzy = null;
        int? limit = null, offset = null;
        var attributes = new List<(string Name, string Value, AttributePath Path)>();

        foreach (var (name, value) in parameters)
        {
            switch (name)
            {
                case "limit":
                    limit = Once(limit, name, ParseCount(name, value));
                    break;
                case "offset":
                    offset = Once(offset, name, ParseCount(name, value));
                    break;
                case "fuzzymatching":
                    fuzzy = Once(fuzzy, name, ParseBoolean(name, value));
                    break;
                case "includefield":
                    includeAll |= ParseIncludeField(value, include);
                    if (includeAll && include.Count > 0)
                        throw new QueryParameterException(name, "includefield=all cannot be combined with other includefield values.");
                    break;
                case "emptyvaluematching":
                    if (ParseBoolean(name, value)) warnings.Add("The emptyvaluematching parameter is not supported. Empty Value Matching has not been performed.");
                    break;
                case "multiplevaluematching":
                    if (ParseBoolean(name, value)) warnings.Add("The multiplevaluematching parameter is not supported. Multiple Value Matching has not been performed.");
                    break;
                case "accept":
                    break; // the response is always the default (and only) media type, application/dicom+json (§8.3.3.1)
                case "charset":
                    CheckCharset(value);
                    break;
                default:
                    var path = ParsePath(name);
                    if (path.Top == DicomTags.TimezoneOffsetFromUTC)
                    {
                        warnings.Add("Timezone Offset From UTC is not supported: dates and times were matched as given.");
                        break;
                    }
                    if (attributes.Any(a => a.Path.ToString() == path.ToString()))
                        throw new QueryParameterException(name, $"The attribute {name} is given more than once.");
                    attributes.Add((name, value, path));
                    break;
            }
        }

        var isFuzzy = fuzzy ?? false;
        var keys = attributes.Select(a => ToKey(target, a.Name, a.Path, a.Value, isFuzzy)).ToList();
        return new QidoQuery
        {
            Target = target,
            StudyUid = studyUid,
            SeriesUid = seriesUid,
            Keys = keys,
            IncludeAll = includeAll,
            IncludeFields = include,
            FuzzyMatching = isFuzzy,
            Offset = offset ?? 0,
            Limit = Math.Min(limit ?? QueryLimits.DefaultLimit(target), QueryLimits.MaxResults(target)),
            Warnings = warnings,
        };
    }

    /// <summary>Splits "a=1&amp;b=2" and percent-decodes per RFC 3986 (no "+" to space).</summary>
    public static List<(string Name, string Value)> Split(string? queryString)
    {
        var result = new List<(string, string)>();
        if (string.IsNullOrEmpty(queryString)) return result;
        foreach (var pair in queryString.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? "" : pair[(equals + 1)..];
            result.Add((Uri.UnescapeDataString(name), Uri.UnescapeDataString(value)));
        }
        return result;
    }

    private static T Once<T>(T? previous, string name, T value) where T : struct =>
        previous is null ? value : throw new QueryParameterException(name, $"The {name} parameter is given more than once.");

    private static int ParseCount(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? count
            : throw new QueryParameterException(name, $"The {name} parameter must be an unsigned integer (got '{value}').");

    private static bool ParseBoolean(string name, string value) => value switch
    {
        "true" => true,
        "false" => false,
        _ => throw new QueryParameterException(name, $"The {name} parameter must be true or false (got '{value}')."),
    };

    private static void CheckCharset(string value)
    {
        // JSON is UTF-8 (RFC 8259): a request that rules UTF-8 out cannot be answered.
        var names = value.Split(',').Select(v => v.Split(';')[0].Trim());
        if (!names.Any(n => n is "*" || n.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || n.Equals("utf8", StringComparison.OrdinalIgnoreCase)))
            throw new QueryParameterException("charset", $"Only the utf-8 character set is supported (got '{value}').");
    }

    /// <returns>true for "all"; otherwise adds the top-level tags of the listed attributes.</returns>
    private static bool ParseIncludeField(string value, List<DicomTag> include)
    {
        if (value == "all") return true;
        foreach (var item in value.Split(','))
        {
            var path = ParsePath(item.Trim(), parameter: "includefield");
            if (!include.Contains(path.Top)) include.Add(path.Top);
        }
        return false;
    }

    /// <summary>"PatientName", "00100010", or a sequence path "OtherPatientIDsSequence.PatientID" / "00101002.00100020".</summary>
    private static AttributePath ParsePath(string text, string? parameter = null)
    {
        parameter ??= text;
        if (text.Length == 0) throw new QueryParameterException(parameter, "An attribute name is empty.");
        var tags = new List<DicomTag>();
        foreach (var part in text.Split('.'))
        {
            if (!TryParseAttribute(part, out var tag))
                throw new QueryParameterException(parameter, parameter == text
                    ? $"'{part}' is not a DICOM attribute keyword or tag, nor a QIDO-RS parameter."
                    : $"{parameter}: '{part}' is not a DICOM attribute keyword or tag.");
            if (tag.IsPrivate)
                throw new QueryParameterException(parameter, $"Private attribute {tag} is not supported in queries.");
            tags.Add(tag);
        }
        for (var i = 0; i < tags.Count - 1; i++)
        {
            if (DicomDictionary.GetVR(tags[i]) != DicomVR.SQ)
                throw new QueryParameterException(parameter, $"{tags[i]} is not a sequence, so '{text}' is not a valid attribute path.");
        }
        return new AttributePath(tags);
    }

    // PS3.18 allows exactly a keyword or eight hexadecimal digits.
    private static bool TryParseAttribute(string text, out DicomTag tag)
    {
        if (text.Length == 8 && uint.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            tag = new DicomTag(value);
            return DicomDictionary.TryGetEntry(tag, out _) || tag.IsPrivate;
        }
        return DicomDictionary.TryGetTag(text, out tag);
    }

    private static MatchKey ToKey(QueryLevel target, string name, AttributePath path, string value, bool fuzzy)
    {
        var level = AttributeLevels.Of(path.Top);
        var indexed = !path.IsNested && IndexedColumns.At(level).ContainsKey(path.Top);
        // Keys below the target are matched relationally (studies having a matching series); only columns can do that.
        if (level > target && !indexed)
            throw new QueryParameterException(name, $"{name} is a {level.ToString().ToLowerInvariant()}-level attribute that cannot be matched when searching for {Plural(target)}.");
        var vr = DicomDictionary.GetVR(path.Leaf);
        return new MatchKey(name, path, vr, level, MatchValueParser.Parse(name, vr, value, fuzzy));
    }

    private static string Plural(QueryLevel level) => level switch
    {
        QueryLevel.Study => "studies",
        QueryLevel.Series => "series",
        _ => "instances",
    };
}

/// <summary>The server's page sizes: what "limit" defaults to and is capped at (PS3.18 §8.3.4.4 maxResults).</summary>
public static class QueryLimits
{
    /// <summary>
    /// Without a limit: a worklist page of studies (a client pages on with offset, the Warning header tells how far),
    /// but every series of a study and every instance of a series, which viewers ask for without paging.
    /// </summary>
    public static int DefaultLimit(QueryLevel level) => level == QueryLevel.Study ? 100 : MaxResults(level);

    public static int MaxResults(QueryLevel level) => level == QueryLevel.Instance ? 10_000 : 1_000;
}
