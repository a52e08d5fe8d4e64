using DrimCloud.Dicom;
using DrimCloud.Storage;

namespace DrimCloud.Api.DicomWeb.Retrieve;

/// <summary>
/// Frames that cannot be read by position (deflated data sets; 1-bit frames that do not end on a byte boundary):
/// the stored instance is parsed and the frame cut out of its pixel data. One instance at a time, never a study.
/// </summary>
internal static class FallbackFrames
{
    public static async Task<Stream> ReadAsync(IBlobStore blobs, string container, StoredInstanceRef instance, int frameNumber, CancellationToken cancellationToken)
    {
        await using var source = await blobs.OpenSeekableReadAsync(container, instance.BlobKey, cancellationToken);
        using var file = await DicomFile.ReadAsync(source, new DicomReadOptions { LeaveOpen = true }, cancellationToken);
        var d = file.Dataset;
        if (!d.TryGetElement(DicomTag.PixelData, out var pixels)) return Stream.Null;
        if (pixels.Fragments is { } fragments)
        {
            // Encapsulated without a usable index: only a single-frame object can be answered (all its fragments).
            if (frameNumber != 1 || (d.GetInt32(DicomTags.NumberOfFrames) ?? 1) != 1) return Stream.Null;
            var all = new MemoryStream();
            for (var i = 1; i < fragments.ItemCount; i++) all.Write(fragments.ReadItem(i));
            all.Position = 0;
            return all;
        }

        var rows = d.GetInt32(DicomTags.Rows) ?? 0;
        var columns = d.GetInt32(DicomTags.Columns) ?? 0;
        var samples = d.GetInt32(DicomTags.SamplesPerPixel) ?? 1;
        var bitsAllocated = d.GetInt32(DicomTags.BitsAllocated) ?? 8;
        var frameBits = (long)rows * columns * samples * bitsAllocated;
        var value = pixels.ReadValue();
        var startBit = (frameNumber - 1) * frameBits;
        if (frameBits <= 0 || startBit + frameBits > (long)value.Length * 8) return Stream.Null;
        return new MemoryStream(CopyBits(value, startBit, frameBits), writable: false);
    }

    /// <summary>Copies <paramref name="count"/> bits from <paramref name="startBit"/> (DICOM packs bits LSB first) into a new, byte-aligned buffer.</summary>
    public static byte[] CopyBits(byte[] source, long startBit, long count)
    {
        var result = new byte[(count + 7) / 8];
        if (startBit % 8 == 0)
        {
            Array.Copy(source, startBit / 8, result, 0, result.Length);
            if (count % 8 != 0) result[^1] &= (byte)((1 << (int)(count % 8)) - 1);
            return result;
        }
        for (long i = 0; i < count; i++)
        {
            var bit = startBit + i;
            if ((source[bit >> 3] & (1 << (int)(bit & 7))) != 0) result[i >> 3] |= (byte)(1 << (int)(i & 7));
        }
        return result;
    }
}
