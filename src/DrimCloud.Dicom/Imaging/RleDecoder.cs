using System.Buffers.Binary;

namespace DrimCloud.Dicom.Imaging;

/// <summary>
/// Decodes one RLE Lossless frame (PS3.5 Annex G) into the native layout: samples interleaved (planar
/// configuration 0), multi-byte samples little endian. A frame is a 64-byte header (segment count and up to 15
/// segment offsets) followed by PackBits-compressed segments, one per byte plane: for each sample in order, its
/// most significant byte plane first.
/// </summary>
public static class RleDecoder
{
    private const int HeaderLength = 64;

    public static bool IsRleLossless(DicomTransferSyntax syntax) => syntax.Uid == "1.2.840.10008.1.2.5";

    public static byte[] Decode(ReadOnlySpan<byte> frame, PixelDescription image)
    {
        if (image.BitsAllocated % 8 != 0 || image.Photometric == PhotometricInterpretation.YbrFull422)
            throw new ImageNotRenderableException("RLE with this pixel layout is not supported.");
        if (frame.Length < HeaderLength)
            throw new ImageNotRenderableException("The RLE frame is shorter than its header.");

        var bytesPerSample = image.BitsAllocated / 8;
        var planes = image.SamplesPerPixel * bytesPerSample;
        var segments = (int)BinaryPrimitives.ReadUInt32LittleEndian(frame);
        if (segments != planes)
            throw new ImageNotRenderableException($"The RLE frame has {segments} segments where {planes} were expected.");

        var pixels = image.PixelCount;
        var output = new byte[(long)pixels * planes];
        for (var segment = 0; segment < segments; segment++)
        {
            var start = (long)BinaryPrimitives.ReadUInt32LittleEndian(frame[(4 + segment * 4)..]);
            var end = segment + 1 < segments ? (long)BinaryPrimitives.ReadUInt32LittleEndian(frame[(8 + segment * 4)..]) : frame.Length;
            if (start < HeaderLength || end > frame.Length || end < start)
                throw new ImageNotRenderableException("An RLE segment offset points outside the frame.");

            var sample = segment / bytesPerSample;
            var significance = segment % bytesPerSample; // 0 = most significant byte
            var first = sample * bytesPerSample + (bytesPerSample - 1 - significance);
            Unpack(frame[(int)start..(int)end], output.AsSpan(first), stride: planes, count: pixels);
        }
        return output;
    }

    /// <summary>PackBits: a header n in 0‥127 copies the next n + 1 bytes, −127‥−1 repeats the next byte 1 − n times, −128 does nothing.</summary>
    private static void Unpack(ReadOnlySpan<byte> segment, Span<byte> output, int stride, int count)
    {
        var written = 0;
        var position = 0;
        while (written < count && position < segment.Length)
        {
            var header = (sbyte)segment[position++];
            if (header >= 0)
            {
                var literal = Math.Min(header + 1, segment.Length - position);
                for (var i = 0; i < literal && written < count; i++) output[written++ * stride] = segment[position + i];
                position += literal;
            }
            else if (header != -128 && position < segment.Length)
            {
                var value = segment[position++];
                for (var i = 0; i < 1 - header && written < count; i++) output[written++ * stride] = value;
            }
        }
        if (written < count)
            throw new ImageNotRenderableException("An RLE segment ends before the frame is complete.");
    }
}
