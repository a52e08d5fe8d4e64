using DrimCloud.Dicom.Imaging;

namespace DrimCloud.Dicom.Tests.Imaging.Support;

/// <summary>How far two pictures of the same size are apart, sample by sample.</summary>
public sealed record PixelDifference(int MaxAbsolute, double MeanAbsolute, int SamplesOverOne, double PeakSignalToNoise)
{
    public static PixelDifference Between(DisplayImage expected, DisplayImage actual)
    {
        Assert.Equal((expected.Width, expected.Height, expected.Channels), (actual.Width, actual.Height, actual.Channels));
        var count = expected.Width * expected.Height * expected.Channels;
        int max = 0, overOne = 0;
        long sum = 0, squares = 0;
        for (var i = 0; i < count; i++)
        {
            var d = Math.Abs(expected.Pixels[i] - actual.Pixels[i]);
            max = Math.Max(max, d);
            sum += d;
            squares += d * d;
            if (d > 1) overOne++;
        }
        var mse = (double)squares / count;
        var psnr = mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
        return new PixelDifference(max, (double)sum / count, overOne, psnr);
    }

    public override string ToString() => $"max |Δ| {MaxAbsolute}, mean |Δ| {MeanAbsolute:F3}, {SamplesOverOne} samples off by more than 1, PSNR {PeakSignalToNoise:F1} dB";
}
