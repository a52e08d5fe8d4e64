namespace DrimCloud.Dicom.Imaging.Jpeg;

/// <summary>The zig-zag sequence of ITU-T T.81 Figure 5: position k of the sequence is coefficient <c>Natural[k]</c> (row × 8 + column).</summary>
internal static class ZigZag
{
    public static readonly int[] Natural = Build();

    /// <summary>Walks the 15 anti-diagonals, alternately upwards (even ones) and downwards (odd ones), from the top-left.</summary>
    private static int[] Build()
    {
        var order = new int[64];
        var k = 0;
        for (var diagonal = 0; diagonal < 15; diagonal++)
        {
            var low = Math.Max(0, diagonal - 7);
            var high = Math.Min(diagonal, 7);
            for (var step = 0; step <= high - low; step++)
            {
                var row = diagonal % 2 == 0 ? high - step : low + step;
                order[k++] = row * 8 + (diagonal - row);
            }
        }
        return order;
    }
}
