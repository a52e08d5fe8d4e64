using System.Globalization;
using DrimCloud.Dicom.Multipart;

namespace DrimCloud.Api.DicomWeb.Common;

/// <summary>One media range of an Accept header, as DICOMweb uses them.</summary>
/// <param name="MediaType">e.g. multipart/related, application/dicom+json, image/jpeg, */*.</param>
/// <param name="Type">the multipart <c>type</c> parameter (unquoted), e.g. application/dicom.</param>
/// <param name="TransferSyntax">the <c>transfer-syntax</c> parameter: a UID, "*", or null when absent.</param>
public sealed record AcceptedMediaType(string MediaType, string? Type, string? TransferSyntax, double Quality)
{
    public bool IsAny => MediaType == "*/*";

    public bool Is(string mediaType) => string.Equals(MediaType, mediaType, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Parses an Accept header into its media ranges, best first (q-value, then order). Ranges that do not parse are
    /// ignored, like the ones with q=0. A missing header yields <c>*/*</c>.
    /// </summary>
    public static IReadOnlyList<AcceptedMediaType> Parse(IEnumerable<string?> headerValues)
    {
        var ranges = new List<(AcceptedMediaType Range, int Order)>();
        foreach (var header in headerValues)
        {
            if (string.IsNullOrWhiteSpace(header)) continue;
            foreach (var piece in SplitRanges(header))
            {
                if (!MediaTypeValue.TryParse(piece, out var parsed)) continue;
                var q = 1.0;
                if (parsed["q"] is { } qText && !double.TryParse(qText, NumberStyles.Float, CultureInfo.InvariantCulture, out q)) continue;
                if (q <= 0) continue;
                ranges.Add((new AcceptedMediaType(parsed.MediaType.ToLowerInvariant(), parsed["type"]?.Trim(), parsed["transfer-syntax"]?.Trim(), q), ranges.Count));
            }
        }
        if (ranges.Count == 0) return [new AcceptedMediaType("*/*", null, null, 1)];
        return ranges.OrderByDescending(r => r.Range.Quality).ThenBy(r => r.Order).Select(r => r.Range).ToList();
    }

    // Commas separate ranges except inside quoted parameter values.
    private static IEnumerable<string> SplitRanges(string header)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < header.Length; i++)
        {
            if (header[i] == '"') quoted = !quoted;
            else if (header[i] == ',' && !quoted)
            {
                yield return header[start..i];
                start = i + 1;
            }
        }
        yield return header[start..];
    }
}
