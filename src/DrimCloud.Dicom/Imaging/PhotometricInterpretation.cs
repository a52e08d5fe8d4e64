namespace DrimCloud.Dicom.Imaging;

/// <summary>The values of Photometric Interpretation (0028,0004) this library can display.</summary>
public enum PhotometricInterpretation
{
    /// <summary>Grayscale, the lowest value displayed white.</summary>
    Monochrome1,

    /// <summary>Grayscale, the lowest value displayed black.</summary>
    Monochrome2,

    Rgb,

    /// <summary>Full-range Y, Cb, Cr (PS3.3 C.7.6.3.1.2), one sample of each per pixel.</summary>
    YbrFull,

    /// <summary>Full-range YCbCr with Cb and Cr shared by two horizontally adjacent pixels (native layout Y1 Y2 Cb Cr).</summary>
    YbrFull422,

    /// <summary>One index per pixel into the red, green and blue palette lookup tables.</summary>
    PaletteColor,
}

public static class PhotometricInterpretations
{
    /// <summary>Parses the defined term; null for terms we do not display (YBR_ICT/RCT only exist compressed, YBR_PARTIAL_* are retired).</summary>
    public static PhotometricInterpretation? Parse(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        "MONOCHROME1" => PhotometricInterpretation.Monochrome1,
        "MONOCHROME2" => PhotometricInterpretation.Monochrome2,
        "RGB" => PhotometricInterpretation.Rgb,
        "YBR_FULL" => PhotometricInterpretation.YbrFull,
        "YBR_FULL_422" => PhotometricInterpretation.YbrFull422,
        "PALETTE COLOR" => PhotometricInterpretation.PaletteColor,
        _ => null,
    };

    public static bool IsGrayscale(this PhotometricInterpretation value) =>
        value is PhotometricInterpretation.Monochrome1 or PhotometricInterpretation.Monochrome2;
}
