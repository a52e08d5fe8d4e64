namespace DrimCloud.Dicom.Imaging;

/// <summary>
/// Crops, flips and scales a <see cref="DisplayImage"/> in two separable passes (rows, then columns). Shrinking
/// averages every source pixel an output pixel covers, in proportion to the area covered (no aliasing in
/// thumbnails); enlarging interpolates bilinearly. Weights are fixed-point integers (14 bits).
/// </summary>
public static class Resampler
{
    private const int WeightBits = 14;
    private const int One = 1 << WeightBits;

    public static DisplayImage Resample(DisplayImage source, ResolvedRegion region, int width, int height)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), "The output must have at least one pixel.");
        if (region.IsWhole(source.Width, source.Height) && width == source.Width && height == source.Height) return source;

        var channels = source.Channels;
        var columns = Taps(region.Width, width, region.FlipHorizontally);
        var rows = Taps(region.Height, height, region.FlipVertically);

        // Rows pass: every source row of the region, scaled to the output width.
        var narrow = new byte[region.Height * width * channels];
        for (var y = 0; y < region.Height; y++)
        {
            var input = source.Row(region.Y + y).Slice(region.X * channels, region.Width * channels);
            var output = narrow.AsSpan(y * width * channels, width * channels);
            for (var x = 0; x < width; x++)
            {
                var (indices, weights) = columns[x];
                for (var c = 0; c < channels; c++)
                {
                    var sum = 0;
                    for (var t = 0; t < indices.Length; t++) sum += weights[t] * input[indices[t] * channels + c];
                    output[x * channels + c] = Round(sum);
                }
            }
        }

        // Columns pass: output rows as weighted sums of the narrowed rows.
        var result = new byte[width * height * channels];
        var accumulator = new int[width * channels];
        for (var y = 0; y < height; y++)
        {
            Array.Clear(accumulator);
            var (indices, weights) = rows[y];
            for (var t = 0; t < indices.Length; t++)
            {
                var row = narrow.AsSpan(indices[t] * width * channels, width * channels);
                var weight = weights[t];
                for (var i = 0; i < row.Length; i++) accumulator[i] += weight * row[i];
            }
            var output = result.AsSpan(y * width * channels, width * channels);
            for (var i = 0; i < output.Length; i++) output[i] = Round(accumulator[i]);
        }
        return new DisplayImage(width, height, channels, result);
    }

    private static byte Round(int sum) => (byte)Math.Clamp((sum + One / 2) >> WeightBits, 0, 255);

    /// <summary>For each output position, the source positions (relative to the region) that make it, and their weights summing to <see cref="One"/>.</summary>
    private static (int[] Indices, int[] Weights)[] Taps(int sourceLength, int outputLength, bool flip)
    {
        var taps = new (int[], int[])[outputLength];
        var scale = (double)outputLength / sourceLength;
        for (var o = 0; o < outputLength; o++)
        {
            var (indices, weights) = scale < 1 ? Box(o, scale, sourceLength) : Bilinear(o, scale, sourceLength);
            Normalize(weights);
            if (flip)
            {
                for (var i = 0; i < indices.Length; i++) indices[i] = sourceLength - 1 - indices[i];
            }
            taps[o] = (indices, weights);
        }
        return taps;
    }

    /// <summary>Shrinking: output pixel o covers source interval [o / scale, (o + 1) / scale).</summary>
    private static (int[], int[]) Box(int o, double scale, int sourceLength)
    {
        var from = o / scale;
        var to = Math.Min(sourceLength, (o + 1) / scale);
        var first = (int)Math.Floor(from);
        var last = Math.Min(sourceLength - 1, (int)Math.Ceiling(to) - 1);
        var count = last - first + 1;
        var indices = new int[count];
        var weights = new int[count];
        for (var i = 0; i < count; i++)
        {
            var pixel = first + i;
            var covered = Math.Min(to, pixel + 1) - Math.Max(from, pixel);
            indices[i] = pixel;
            weights[i] = (int)Math.Round(covered * scale * One);
        }
        return (indices, weights);
    }

    /// <summary>Enlarging (or same size): interpolate between the two source pixels around the output pixel's center.</summary>
    private static (int[], int[]) Bilinear(int o, double scale, int sourceLength)
    {
        var center = Math.Clamp((o + 0.5) / scale - 0.5, 0, sourceLength - 1);
        var left = (int)Math.Floor(center);
        var right = Math.Min(left + 1, sourceLength - 1);
        var fraction = center - left;
        if (right == left || fraction == 0) return ([left], [One]);
        return ([left, right], [(int)Math.Round((1 - fraction) * One), (int)Math.Round(fraction * One)]);
    }

    /// <summary>Makes the weights sum to exactly <see cref="One"/> (rounding leaves a few units over or under), on the largest weight.</summary>
    private static void Normalize(int[] weights)
    {
        var sum = 0;
        var largest = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            sum += weights[i];
            if (weights[i] > weights[largest]) largest = i;
        }
        weights[largest] += One - sum;
    }
}
