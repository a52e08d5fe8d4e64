namespace DrimCloud.Dicom.Imaging.Jpeg;

/// <summary>
/// The 8×8 forward DCT of ITU-T T.81 §A.3.3, F(v,u) = ¼ C(u) C(v) Σy Σx f(y,x) cos((2x+1)uπ/16) cos((2y+1)vπ/16),
/// computed as two matrix products with the basis M[u,x] = ½ C(u) cos((2x+1)uπ/16).
/// </summary>
internal static class ForwardDct
{
    private static readonly float[] s_basis = BuildBasis();

    private static float[] BuildBasis()
    {
        var basis = new float[64];
        for (var u = 0; u < 8; u++)
        {
            var c = u == 0 ? 1 / Math.Sqrt(2) : 1;
            for (var x = 0; x < 8; x++) basis[u * 8 + x] = (float)(0.5 * c * Math.Cos((2 * x + 1) * u * Math.PI / 16));
        }
        return basis;
    }

    /// <summary>Transforms <paramref name="block"/> (level-shifted samples, row by row) into coefficients (row = vertical frequency), in place.</summary>
    public static void Transform(Span<float> block)
    {
        Span<float> rows = stackalloc float[64];
        var m = s_basis;
        for (var y = 0; y < 8; y++)
        {
            for (var u = 0; u < 8; u++)
            {
                float sum = 0;
                for (var x = 0; x < 8; x++) sum += block[y * 8 + x] * m[u * 8 + x];
                rows[y * 8 + u] = sum;
            }
        }
        for (var v = 0; v < 8; v++)
        {
            for (var u = 0; u < 8; u++)
            {
                float sum = 0;
                for (var y = 0; y < 8; y++) sum += m[v * 8 + y] * rows[y * 8 + u];
                block[v * 8 + u] = sum;
            }
        }
    }
}
