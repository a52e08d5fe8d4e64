using System.Globalization;
using DrimCloud.Dicom.Multipart;

namespace DrimCloud.Api.DicomWeb.Rendered;

/// <summary>A representation we can send: a single-part body of <see cref="MediaType"/>, or a multipart/related body of such parts.</summary>
public sealed record RenderedOutput(string MediaType, bool Multipart);

/// <summary>
/// The media ranges a client accepts (PS3.18 §8.3.3.1 and RFC 9110 §12.5.1), from the <c>accept</c> query
/// parameter when present (it takes precedence, so links without headers can choose), else from the Accept
/// header. Each candidate representation gets the quality of the most specific range matching it.
/// </summary>
public sealed class AcceptedMediaTypes
{
    private readonly List<(MediaTypeValue Range, double Quality)> _ranges;

    private AcceptedMediaTypes(List<(MediaTypeValue, double)> ranges) => _ranges = ranges;

    /// <summary>True when the client stated no preference (everything is acceptable).</summary>
    public bool IsUnrestricted => _ranges.Count == 0;

    /// <param name="values">The media ranges, comma-separated, possibly in several values.</param>
    /// <param name="lenient">
    /// For the Accept header: ranges that do not parse are skipped, as RFC 9110 allows, so an odd header from a
    /// browser or proxy does not fail the request. The <c>accept</c> query parameter is the client's explicit
    /// choice and is parsed strictly.
    /// </param>
    public static bool TryParse(IEnumerable<string?> values, bool lenient, out AcceptedMediaTypes accepted, out string error)
    {
        var ranges = new List<(MediaTypeValue, double)>();
        foreach (var item in values.Where(v => !string.IsNullOrWhiteSpace(v)).SelectMany(v => SplitList(v!)))
        {
            var q = 1.0;
            var valid = MediaTypeValue.TryParse(item, out var range);
            var qualityValid = valid && (range["q"] is not { } text
                || (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out q) && q is >= 0 and <= 1));
            if (valid && qualityValid)
            {
                ranges.Add((range, q));
                continue;
            }
            if (lenient) continue;
            accepted = new AcceptedMediaTypes([]);
            error = valid ? $"'{item}' has an invalid q value." : $"'{item}' is not a media range.";
            return false;
        }
        if (lenient && ranges.Count == 0)
        {
            // Nothing usable in the header: as if it were absent.
            accepted = new AcceptedMediaTypes([]);
            error = string.Empty;
            return true;
        }
        accepted = new AcceptedMediaTypes(ranges);
        error = string.Empty;
        return true;
    }

    /// <summary>
    /// The acceptable candidate with the highest quality; on equal quality the earlier candidate (the server's
    /// preference). Null when no candidate is acceptable.
    /// </summary>
    public RenderedOutput? Choose(IReadOnlyList<RenderedOutput> candidates)
    {
        if (IsUnrestricted) return candidates.Count > 0 ? candidates[0] : null;
        RenderedOutput? best = null;
        var bestQuality = 0.0;
        foreach (var candidate in candidates)
        {
            var quality = QualityOf(candidate);
            if (quality > bestQuality)
            {
                best = candidate;
                bestQuality = quality;
            }
        }
        return best;
    }

    /// <summary>0 when not acceptable. Specificity: exact type (with matching multipart <c>type</c>) over <c>type/*</c> over <c>*/*</c>.</summary>
    private double QualityOf(RenderedOutput candidate)
    {
        var bestSpecificity = -1;
        var quality = 0.0;
        foreach (var (range, q) in _ranges)
        {
            var specificity = Specificity(range, candidate);
            if (specificity > bestSpecificity)
            {
                bestSpecificity = specificity;
                quality = q;
            }
        }
        return bestSpecificity < 0 ? 0 : quality;
    }

    private static int Specificity(MediaTypeValue range, RenderedOutput candidate)
    {
        var full = candidate.Multipart ? MultipartRelatedContentType.MediaTypeName : candidate.MediaType;
        var slash = full.IndexOf('/', StringComparison.Ordinal);
        if (range.IsMediaType("*/*")) return 0;
        if (range.IsMediaType(full[..(slash + 1)] + "*")) return 1;
        if (!range.IsMediaType(full)) return -1;
        if (!candidate.Multipart) return 2;
        // multipart/related: the root part's type must be ours (an absent type leaves the choice to us).
        var partType = range["type"];
        if (partType is null) return 2;
        return string.Equals(partType.Trim(), candidate.MediaType, StringComparison.OrdinalIgnoreCase) ? 3 : -1;
    }

    /// <summary>Splits a header list at commas outside quoted strings.</summary>
    private static IEnumerable<string> SplitList(string value)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '"') quoted = !quoted;
            else if (value[i] == ',' && !quoted)
            {
                if (i > start && value[start..i].Trim().Length > 0) yield return value[start..i].Trim();
                start = i + 1;
            }
        }
        if (value[start..].Trim().Length > 0) yield return value[start..].Trim();
    }
}
