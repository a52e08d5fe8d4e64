namespace DrimCloud.Dicom.Imaging;

/// <summary>The VOI LUT Function (0028,1056): how a window maps values to display levels (PS3.3 C.11.2.1.2, C.11.2.1.3).</summary>
public enum VoiFunction
{
    Linear,
    LinearExact,
    Sigmoid,
}

/// <summary>
/// A window (center, width, function) applied to modality values to give display levels 0‥255, with the exact
/// formulas of PS3.3 C.11.2.1.2.1 (LINEAR), C.11.2.1.3.2 (LINEAR_EXACT) and C.11.2.1.3.1 (SIGMOID).
/// </summary>
public readonly record struct VoiWindow(double Center, double Width, VoiFunction Function = VoiFunction.Linear)
{
    private const double Top = 255;

    /// <summary>LINEAR needs a width of at least 1; the other functions a positive width.</summary>
    public bool IsValid => double.IsFinite(Center) && double.IsFinite(Width)
        && (Function == VoiFunction.Linear ? Width >= 1 : Width > 0);

    /// <summary>
    /// The window that maps <paramref name="min"/> to black and <paramref name="max"/> to white with LINEAR
    /// (the same choice as DCMTK's min-max window): width max − min + 1, center (min + max + 1) / 2.
    /// </summary>
    public static VoiWindow FromRange(double min, double max) => new((min + max + 1) / 2, max - min + 1);

    /// <summary>The display level (0‥255, not rounded) of a modality value.</summary>
    public double Apply(double x)
    {
        switch (Function)
        {
            case VoiFunction.LinearExact:
                if (x <= Center - Width / 2) return 0;
                if (x > Center + Width / 2) return Top;
                return ((x - Center) / Width + 0.5) * Top;
            case VoiFunction.Sigmoid:
                return Top / (1 + Math.Exp(-4 * (x - Center) / Width));
            default:
                // For a width of 1 both bounds coincide and the middle branch is never reached.
                if (x <= Center - 0.5 - (Width - 1) / 2) return 0;
                if (x > Center - 0.5 + (Width - 1) / 2) return Top;
                return ((x - (Center - 0.5)) / (Width - 1) + 0.5) * Top;
        }
    }

    public static VoiFunction? ParseFunction(string? dicomValue) => dicomValue?.Trim().ToUpperInvariant() switch
    {
        null or "" or "LINEAR" => VoiFunction.Linear,
        "LINEAR_EXACT" => VoiFunction.LinearExact,
        "SIGMOID" => VoiFunction.Sigmoid,
        _ => null,
    };
}
