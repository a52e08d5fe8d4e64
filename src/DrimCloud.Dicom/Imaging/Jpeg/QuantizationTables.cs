namespace DrimCloud.Dicom.Imaging.Jpeg;

/// <summary>
/// The example quantization tables of ITU-T T.81 Annex K (Tables K.1 and K.2, in natural row order), scaled by a
/// 1‥100 quality the usual way: below 50 the tables grow as 50 / quality, above 50 they shrink linearly to all ones at 100.
/// </summary>
internal static class QuantizationTables
{
    private static readonly byte[] s_luminance =
    [
        16, 11, 10, 16, 24, 40, 51, 61,
        12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56,
        14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77,
        24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101,
        72, 92, 95, 98, 112, 100, 103, 99,
    ];

    private static readonly byte[] s_chrominance =
    [
        17, 18, 24, 47, 99, 99, 99, 99,
        18, 21, 26, 66, 99, 99, 99, 99,
        24, 26, 56, 99, 99, 99, 99, 99,
        47, 66, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99,
    ];

    public static byte[] Luminance(int quality) => Scale(s_luminance, quality);

    public static byte[] Chrominance(int quality) => Scale(s_chrominance, quality);

    private static byte[] Scale(byte[] table, int quality)
    {
        quality = Math.Clamp(quality, 1, 100);
        var percent = quality < 50 ? 5000 / quality : 200 - quality * 2;
        var scaled = new byte[64];
        for (var i = 0; i < 64; i++) scaled[i] = (byte)Math.Clamp((table[i] * percent + 50) / 100, 1, 255);
        return scaled;
    }
}
