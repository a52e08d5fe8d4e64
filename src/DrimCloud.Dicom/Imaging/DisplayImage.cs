namespace DrimCloud.Dicom.Imaging;

/// <summary>An 8-bit picture ready to encode: one channel (gray) or three (R, G, B interleaved), rows top to bottom.</summary>
public sealed class DisplayImage
{
    public DisplayImage(int width, int height, int channels, byte[] pixels)
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), "1 (gray) or 3 (RGB) channels.");
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), "Empty image.");
        if (pixels.Length < (long)width * height * channels) throw new ArgumentException("Too few pixels for the size.", nameof(pixels));
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>1 for gray, 3 for RGB.</summary>
    public int Channels { get; }

    public byte[] Pixels { get; }

    public int Stride => Width * Channels;

    public ReadOnlySpan<byte> Row(int y) => Pixels.AsSpan(y * Stride, Stride);
}
