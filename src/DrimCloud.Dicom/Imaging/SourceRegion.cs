namespace DrimCloud.Dicom.Imaging;

/// <summary>
/// A rectangle of the source image, as the <c>sx, sy, sw, sh</c> of the PS3.18 viewport parameter: (X, Y) is its
/// top-left pixel, a null width or height extends it to the image edge, and a negative width or height selects
/// the pixels to the left of X (above Y) and flips them.
/// </summary>
public readonly record struct SourceRegion(int X, int Y, int? Width, int? Height)
{
    /// <summary>The region in image coordinates, clipped to the image; null when nothing of it is inside the image.</summary>
    public ResolvedRegion? Resolve(int imageWidth, int imageHeight)
    {
        if (!Axis(X, Width, imageWidth, out var left, out var width, out var flipX)) return null;
        if (!Axis(Y, Height, imageHeight, out var top, out var height, out var flipY)) return null;
        return new ResolvedRegion(left, top, width, height, flipX, flipY);
    }

    private static bool Axis(int start, int? length, int size, out int first, out int count, out bool flip)
    {
        flip = length < 0;
        long from = flip ? (long)start + length!.Value : start;
        long to = flip ? start : length is { } l ? (long)start + l : size;
        from = Math.Max(0, from);
        to = Math.Min(size, to);
        first = (int)from;
        count = (int)(to - from);
        return count > 0;
    }
}

/// <summary>A non-empty rectangle inside the image, with the flips to apply.</summary>
public readonly record struct ResolvedRegion(int X, int Y, int Width, int Height, bool FlipHorizontally, bool FlipVertically)
{
    public static ResolvedRegion Whole(int width, int height) => new(0, 0, width, height, false, false);

    public bool IsWhole(int imageWidth, int imageHeight) =>
        X == 0 && Y == 0 && Width == imageWidth && Height == imageHeight && !FlipHorizontally && !FlipVertically;
}
