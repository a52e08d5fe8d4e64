using System.Globalization;
using DrimCloud.Dicom.Imaging;
using Microsoft.Extensions.Primitives;

namespace DrimCloud.Api.DicomWeb.Rendered;

/// <summary>A query parameter that is malformed or out of range: answered 400 with a problem naming it.</summary>
public sealed class InvalidRenderParameterException(string parameter, string message) : Exception(message)
{
    public string Parameter { get; } = parameter;
}

/// <summary>
/// The query parameters of the Retrieve Rendered and Thumbnail transactions (PS3.18 §8.3.5.1): <c>window</c>,
/// <c>viewport</c>, <c>quality</c>, <c>annotation</c>, <c>iccprofile</c>, <c>charset</c> and <c>accept</c>.
/// <c>annotation</c> is refused (400): we cannot burn annotations in. What we accept but do not apply (ICC
/// profiles, charset, unknown parameters) is reported in <see cref="Warnings"/>, which the response carries as
/// Warning headers.
/// </summary>
public sealed class RenderParameters
{
    /// <summary>Largest viewport side: bounds the memory one request can ask for (4096² RGB is 48 MiB).</summary>
    public const int MaxViewportSide = 4096;

    private static readonly HashSet<string> s_known = new(StringComparer.OrdinalIgnoreCase)
    {
        "window", "viewport", "quality", "annotation", "iccprofile", "charset", "accept",
    };

    public VoiWindow? Window { get; private init; }
    public SourceRegion? Region { get; private init; }
    public int? ViewportWidth { get; private init; }
    public int? ViewportHeight { get; private init; }
    public int? Quality { get; private init; }
    public required AcceptedMediaTypes Accept { get; init; }
    public List<string> Warnings { get; } = [];

    public bool HasPresentationChanges => Window is not null || Region is not null;

    public RenderOptions ToOptions(int? maxSize) => new()
    {
        Window = Window,
        Region = Region,
        ViewportWidth = ViewportWidth,
        ViewportHeight = ViewportHeight,
        MaxSize = maxSize,
    };

    /// <summary>The parameters that change the output, in a stable form (for the ETag).</summary>
    public string Canonical => string.Create(CultureInfo.InvariantCulture,
        $"w={Window?.Center},{Window?.Width},{Window?.Function};r={Region?.X},{Region?.Y},{Region?.Width},{Region?.Height};v={ViewportWidth},{ViewportHeight};q={Quality}");

    /// <exception cref="InvalidRenderParameterException">A parameter is malformed.</exception>
    public static RenderParameters Parse(IQueryCollection query, StringValues acceptHeader)
    {
        var fromQuery = query.TryGetValue("accept", out var acceptQuery);
        if (!AcceptedMediaTypes.TryParse(fromQuery ? acceptQuery : acceptHeader, lenient: !fromQuery, out var accept, out var acceptError))
            throw new InvalidRenderParameterException("accept", acceptError);

        var (viewportWidth, viewportHeight, region) = ParseViewport(Single(query, "viewport"));
        var result = new RenderParameters
        {
            Accept = accept,
            Window = ParseWindow(Single(query, "window")),
            ViewportWidth = viewportWidth,
            ViewportHeight = viewportHeight,
            Region = region,
            Quality = ParseQuality(Single(query, "quality")),
        };

        // Refused rather than ignored: a picture without the patient annotation the caller asked for could be
        // taken for another patient's.
        if (Single(query, "annotation") is { } annotation)
        {
            var keywords = annotation.Split(',', StringSplitOptions.TrimEntries);
            if (keywords.Any(k => k is not ("patient" or "technique")))
                throw new InvalidRenderParameterException("annotation", "annotation takes \"patient\" and/or \"technique\".");
            throw new InvalidRenderParameterException("annotation", "The annotation parameter is not supported by this server: annotations cannot be burned in.");
        }
        if (Single(query, "iccprofile") is { } icc)
        {
            if (icc is not ("no" or "yes" or "srgb" or "adobergb" or "rommrgb"))
                throw new InvalidRenderParameterException("iccprofile", "iccprofile takes no, yes, srgb, adobergb or rommrgb.");
            if (icc != "no") result.Warnings.Add("The iccprofile parameter is not supported: no ICC profile was embedded.");
        }
        foreach (var unknown in query.Keys.Where(k => !s_known.Contains(k)))
            result.Warnings.Add($"Unknown query parameter '{unknown}' was ignored.");
        return result;
    }

    private static string? Single(IQueryCollection query, string name)
    {
        if (!query.TryGetValue(name, out var values)) return null;
        if (values.Count > 1) throw new InvalidRenderParameterException(name, $"{name} may be given only once.");
        return values[0];
    }

    /// <summary><c>window=center,width[,function]</c> with function linear (default), linear-exact or sigmoid.</summary>
    private static VoiWindow? ParseWindow(string? text)
    {
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length is < 2 or > 3 || !TryDouble(parts[0], out var center) || !TryDouble(parts[1], out var width))
            throw new InvalidRenderParameterException("window", "window is center,width,function (e.g. window=40,400,linear).");
        var function = parts.Length == 3 ? parts[2].ToLowerInvariant() switch
        {
            "linear" => VoiFunction.Linear,
            "linear-exact" => VoiFunction.LinearExact,
            "sigmoid" => VoiFunction.Sigmoid,
            _ => throw new InvalidRenderParameterException("window", $"Unknown window function '{parts[2]}': linear, linear-exact or sigmoid."),
        } : VoiFunction.Linear;
        var window = new VoiWindow(center, width, function);
        if (!window.IsValid)
            throw new InvalidRenderParameterException("window", function == VoiFunction.Linear ? "A linear window needs a width of at least 1." : "The window width must be positive.");
        return window;
    }

    /// <summary>
    /// <c>viewport=vw,vh[,sx,sy,sw,sh]</c>: the size to fit in (one of vw, vh may be left empty), then optionally the
    /// source region, whose empty members take their defaults (0, 0, to the right edge, to the bottom edge).
    /// </summary>
    private static (int? Width, int? Height, SourceRegion? Region) ParseViewport(string? text)
    {
        if (text is null) return (null, null, null);
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length is not (2 or 6))
            throw new InvalidRenderParameterException("viewport", "viewport is vw,vh or vw,vh,sx,sy,sw,sh.");
        var width = OptionalInt(parts[0], "vw");
        var height = OptionalInt(parts[1], "vh");
        if (width is null && height is null)
            throw new InvalidRenderParameterException("viewport", "viewport needs vw or vh.");
        if (width is <= 0 or > MaxViewportSide || height is <= 0 or > MaxViewportSide)
            throw new InvalidRenderParameterException("viewport", $"vw and vh must be between 1 and {MaxViewportSide}.");
        if (parts.Length == 2) return (width, height, null);

        var sx = OptionalInt(parts[2], "sx") ?? 0;
        var sy = OptionalInt(parts[3], "sy") ?? 0;
        var sw = OptionalInt(parts[4], "sw");
        var sh = OptionalInt(parts[5], "sh");
        if (sx < 0 || sy < 0 || sw == 0 || sh == 0)
            throw new InvalidRenderParameterException("viewport", "sx and sy must not be negative, sw and sh not zero.");
        return (width, height, new SourceRegion(sx, sy, sw, sh));
    }

    private static int? ParseQuality(string? text)
    {
        if (text is null) return null;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var quality) || quality is < 1 or > 100)
            throw new InvalidRenderParameterException("quality", "quality is an integer from 1 to 100.");
        return quality;
    }

    private static int? OptionalInt(string text, string name)
    {
        if (text.Length == 0) return null;
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidRenderParameterException("viewport", $"{name} '{text}' is not an integer.");
    }

    private static bool TryDouble(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
