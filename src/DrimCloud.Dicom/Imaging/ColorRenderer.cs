using System.Buffers;
using System.Buffers.Binary;

namespace DrimCloud.Dicom.Imaging;

/// <summary>
/// RGB, YBR_FULL, YBR_FULL_422 and PALETTE COLOR frames to interleaved 8-bit RGB. Samples deeper than 8 bits keep
/// their most significant bits. Windowing does not apply to color (PS3.4 N.2: color images have no VOI stage).
/// </summary>
internal static class ColorRenderer
{
    public static DisplayImage Render(PixelDescription image, ReadOnlySpan<byte> frame)
    {
        StoredValues.EnsureComplete(image, frame);
        var rgb = new byte[image.PixelCount * 3];
        switch (image.Photometric)
        {
            case PhotometricInterpretation.PaletteColor:
                ApplyPalette(image, frame, rgb);
                break;
            case PhotometricInterpretation.YbrFull422:
                ConvertYbr422(image, frame, rgb);
                break;
            default:
                CopySamples(image, frame, rgb);
                if (image.Photometric == PhotometricInterpretation.YbrFull) ConvertYbrInPlace(rgb);
                break;
        }
        return new DisplayImage(image.Columns, image.Rows, 3, rgb);
    }

    /// <summary>Three samples per pixel, interleaved or planar, into interleaved 8-bit samples.</summary>
    private static void CopySamples(PixelDescription image, ReadOnlySpan<byte> frame, byte[] rgb)
    {
        var count = image.PixelCount;
        var planar = image.PlanarConfiguration == 1;
        if (image.BitsAllocated == 8 && image.BitsStored == 8 && !planar)
        {
            frame[..rgb.Length].CopyTo(rgb);
            return;
        }

        var shift = image.HighBit + 1 - image.BitsStored;
        var mask = (1 << image.BitsStored) - 1;
        for (var p = 0; p < count; p++)
        {
            for (var s = 0; s < 3; s++)
            {
                var index = planar ? s * count + p : p * 3 + s;
                int cell = image.BitsAllocated == 8
                    ? frame[index]
                    : image.IsBigEndian ? BinaryPrimitives.ReadUInt16BigEndian(frame[(index * 2)..]) : BinaryPrimitives.ReadUInt16LittleEndian(frame[(index * 2)..]);
                rgb[p * 3 + s] = ToEightBits((cell >> shift) & mask, image.BitsStored);
            }
        }
    }

    private static byte ToEightBits(int value, int bits) =>
        bits >= 8 ? (byte)(value >> (bits - 8)) : (byte)(value * 255 / ((1 << bits) - 1));

    private static void ConvertYbrInPlace(byte[] pixels)
    {
        for (var i = 0; i < pixels.Length; i += 3)
            YbrToRgb(pixels[i], pixels[i + 1], pixels[i + 2], pixels.AsSpan(i, 3));
    }

    /// <summary>Native YBR_FULL_422: each pair of pixels on a row is stored as Y1 Y2 Cb Cr (PS3.3 C.7.6.3.1.2).</summary>
    private static void ConvertYbr422(PixelDescription image, ReadOnlySpan<byte> frame, byte[] rgb)
    {
        if (image.Columns % 2 != 0)
            throw new ImageNotRenderableException("YBR_FULL_422 needs an even number of columns.");
        for (var pair = 0; pair < image.PixelCount / 2; pair++)
        {
            var cell = frame.Slice(pair * 4, 4);
            YbrToRgb(cell[0], cell[2], cell[3], rgb.AsSpan(pair * 6, 3));
            YbrToRgb(cell[1], cell[2], cell[3], rgb.AsSpan(pair * 6 + 3, 3));
        }
    }

    /// <summary>The full-range YCbCr to RGB equations of PS3.3 C.7.6.3.1.2 (those of JFIF).</summary>
    private static void YbrToRgb(int y, int cb, int cr, Span<byte> rgb)
    {
        double b = cb - 128, r = cr - 128;
        rgb[0] = Clamp(y + 1.402 * r);
        rgb[1] = Clamp(y - 0.344136 * b - 0.714136 * r);
        rgb[2] = Clamp(y + 1.772 * b);
    }

    private static byte Clamp(double value) => (byte)Math.Clamp((int)Math.Round(value, MidpointRounding.AwayFromZero), 0, 255);

    private static void ApplyPalette(PixelDescription image, ReadOnlySpan<byte> frame, byte[] rgb)
    {
        if (image.BitsAllocated > 16) throw new ImageNotRenderableException("Palette indices wider than 16 bits are not supported.");
        var palette = image.Palette ?? throw new ImageNotRenderableException("PALETTE COLOR image without palette.");
        var count = image.PixelCount;
        var indices = ArrayPool<int>.Shared.Rent(count);
        try
        {
            StoredValues.ReadSmall(image, frame, indices.AsSpan(0, count));
            for (var p = 0; p < count; p++) palette.Lookup(indices[p], rgb.AsSpan(p * 3, 3));
        }
        finally
        {
            ArrayPool<int>.Shared.Return(indices);
        }
    }
}
