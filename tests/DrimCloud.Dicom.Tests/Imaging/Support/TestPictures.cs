using DrimCloud.Dicom.Imaging;

namespace DrimCloud.Dicom.Tests.Imaging.Support;

/// <summary>Synthetic pictures for encoder and resampler tests.</summary>
public static class TestPictures
{
    public static DisplayImage Gradient(int width, int height, int channels)
    {
        var pixels = new byte[width * height * channels];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                for (var c = 0; c < channels; c++)
                    pixels[(y * width + x) * channels + c] = (byte)((x * 255 / Math.Max(1, width - 1) + c * 60 + y * 3) % 256);
            }
        }
        return new DisplayImage(width, height, channels, pixels);
    }

    public static DisplayImage Noise(int width, int height, int channels, int seed)
    {
        var pixels = new byte[width * height * channels];
        new Random(seed).NextBytes(pixels);
        return new DisplayImage(width, height, channels, pixels);
    }

    public static DisplayImage Uniform(int width, int height, int channels, byte value)
    {
        var pixels = new byte[width * height * channels];
        Array.Fill(pixels, value);
        return new DisplayImage(width, height, channels, pixels);
    }

    public static DisplayImage Gray(int width, params byte[] values) => new(width, values.Length / width, 1, values);
}
