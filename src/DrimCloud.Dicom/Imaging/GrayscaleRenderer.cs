using System.Buffers;

namespace DrimCloud.Dicom.Imaging;

/// <summary>
/// MONOCHROME1/2 frames to 8-bit gray: stored value → Modality LUT (rescale slope and intercept) → VOI (the
/// requested window, else the frame's first window, else the frame's min-max range) → MONOCHROME1 inversion.
/// Cells of up to 16 bits go through a lookup table built over the frame's actual value range, so each pixel
/// costs one table read.
/// </summary>
internal static class GrayscaleRenderer
{
    public static DisplayImage Render(PixelDescription image, ReadOnlySpan<byte> frame, FrameValueTransform transform, VoiWindow? requested)
    {
        var output = new byte[image.PixelCount];
        var invert = image.Photometric == PhotometricInterpretation.Monochrome1;
        if (image.BitsAllocated <= 16)
            RenderThroughTable(image, frame, transform, requested, invert, output);
        else
            RenderDirect(image, frame, transform, requested, invert, output);
        return new DisplayImage(image.Columns, image.Rows, 1, output);
    }

    private static void RenderThroughTable(PixelDescription image, ReadOnlySpan<byte> frame, FrameValueTransform transform,
        VoiWindow? requested, bool invert, byte[] output)
    {
        var count = image.PixelCount;
        var values = ArrayPool<int>.Shared.Rent(count);
        try
        {
            var stored = values.AsSpan(0, count);
            StoredValues.ReadSmall(image, frame, stored);
            int min = int.MaxValue, max = int.MinValue;
            foreach (var v in stored)
            {
                if (v < min) min = v;
                if (v > max) max = v;
            }

            var window = ChooseWindow(requested, transform, Modality(min, transform), Modality(max, transform));
            var table = new byte[max - min + 1];
            for (var v = min; v <= max; v++) table[v - min] = Level(window.Apply(Modality(v, transform)), invert);
            for (var i = 0; i < count; i++) output[i] = table[stored[i] - min];
        }
        finally
        {
            ArrayPool<int>.Shared.Return(values);
        }
    }

    private static void RenderDirect(PixelDescription image, ReadOnlySpan<byte> frame, FrameValueTransform transform,
        VoiWindow? requested, bool invert, byte[] output)
    {
        var count = image.PixelCount;
        var values = ArrayPool<double>.Shared.Rent(count);
        try
        {
            var modality = values.AsSpan(0, count);
            StoredValues.ReadLarge(image, frame, modality);
            double min = double.MaxValue, max = double.MinValue;
            for (var i = 0; i < count; i++)
            {
                var m = Modality(modality[i], transform);
                modality[i] = m;
                if (m < min) min = m;
                if (m > max) max = m;
            }

            var window = ChooseWindow(requested, transform, min, max);
            for (var i = 0; i < count; i++) output[i] = Level(window.Apply(modality[i]), invert);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(values);
        }
    }

    private static double Modality(double stored, FrameValueTransform transform) =>
        stored * transform.RescaleSlope + transform.RescaleIntercept;

    private static VoiWindow ChooseWindow(VoiWindow? requested, FrameValueTransform transform, double a, double b) =>
        requested ?? transform.Window ?? VoiWindow.FromRange(Math.Min(a, b), Math.Max(a, b));

    private static byte Level(double level, bool invert)
    {
        var rounded = (byte)Math.Clamp((int)(level + 0.5), 0, 255);
        return invert ? (byte)(255 - rounded) : rounded;
    }
}
