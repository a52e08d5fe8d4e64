using System.Buffers.Binary;

namespace DrimCloud.Dicom.Imaging;

/// <summary>
/// Reads the stored values of a single-sample native frame: the bits between High Bit and High Bit − Bits Stored + 1
/// of each pixel cell (other bits may hold overlays or garbage and are masked off), sign-extended when Pixel
/// Representation is 1, in the byte order of the stored transfer syntax.
/// </summary>
internal static class StoredValues
{
    public static void EnsureComplete(PixelDescription image, ReadOnlySpan<byte> frame)
    {
        if (frame.Length < image.NativeFrameLength)
            throw new ImageNotRenderableException($"The frame holds {frame.Length} bytes where {image.NativeFrameLength} were expected.");
    }

    /// <summary>Values of 1-, 8- and 16-bit cells (they always fit an <see cref="int"/>).</summary>
    public static void ReadSmall(PixelDescription image, ReadOnlySpan<byte> frame, Span<int> values)
    {
        EnsureComplete(image, frame);
        var count = image.PixelCount;
        var shift = image.HighBit + 1 - image.BitsStored;
        var mask = (1 << image.BitsStored) - 1;
        var signBit = image.IsSigned ? 1 << (image.BitsStored - 1) : 0;
        switch (image.BitsAllocated)
        {
            case 1:
                // Bit-packed: pixel i is bit (i mod 8) of byte i / 8, least significant bit first.
                for (var i = 0; i < count; i++) values[i] = (frame[i >> 3] >> (i & 7)) & 1;
                return;
            case 8:
                for (var i = 0; i < count; i++) values[i] = SignExtend((frame[i] >> shift) & mask, signBit);
                return;
            case 16:
                if (image.IsBigEndian)
                {
                    for (var i = 0; i < count; i++)
                        values[i] = SignExtend((BinaryPrimitives.ReadUInt16BigEndian(frame[(i * 2)..]) >> shift) & mask, signBit);
                }
                else
                {
                    for (var i = 0; i < count; i++)
                        values[i] = SignExtend((BinaryPrimitives.ReadUInt16LittleEndian(frame[(i * 2)..]) >> shift) & mask, signBit);
                }
                return;
            default:
                throw new InvalidOperationException($"{image.BitsAllocated}-bit cells do not fit an int; use ReadLarge.");
        }
    }

    /// <summary>Values of 32-bit cells, as doubles (an unsigned 32-bit value does not fit an <see cref="int"/>).</summary>
    public static void ReadLarge(PixelDescription image, ReadOnlySpan<byte> frame, Span<double> values)
    {
        EnsureComplete(image, frame);
        var shift = image.HighBit + 1 - image.BitsStored;
        var mask = image.BitsStored == 32 ? uint.MaxValue : (1u << image.BitsStored) - 1;
        var signBit = 1L << (image.BitsStored - 1);
        for (var i = 0; i < image.PixelCount; i++)
        {
            var cell = frame.Slice(i * 4, 4);
            var raw = image.IsBigEndian ? BinaryPrimitives.ReadUInt32BigEndian(cell) : BinaryPrimitives.ReadUInt32LittleEndian(cell);
            long value = (raw >> shift) & mask;
            if (image.IsSigned && (value & signBit) != 0) value -= signBit << 1;
            values[i] = value;
        }
    }

    private static int SignExtend(int value, int signBit) => signBit != 0 && (value & signBit) != 0 ? value - (signBit << 1) : value;
}
