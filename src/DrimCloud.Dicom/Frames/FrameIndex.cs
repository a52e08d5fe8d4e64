using System.Buffers.Binary;

namespace DrimCloud.Dicom;

/// <summary>A byte range of a stored file.</summary>
public readonly record struct ByteRange(long Offset, long Length);

/// <summary>
/// Where each frame of an instance is in its Part 10 file: one range for native pixel data, one or more fragment
/// ranges for encapsulated pixel data. Built once at ingest from a <see cref="PixelDataLayout"/>, stored with the
/// index, and used to serve frames by range reads without parsing the file again.
/// </summary>
public sealed class FrameIndex
{
    private const byte FormatVersion = 1;

    public FrameIndex(bool isEncapsulated, IReadOnlyList<ByteRange[]> frames)
    {
        IsEncapsulated = isEncapsulated;
        Frames = frames;
    }

    public bool IsEncapsulated { get; }

    /// <summary>Frame n (1-based in DICOMweb) is <c>Frames[n - 1]</c>: the ranges to concatenate.</summary>
    public IReadOnlyList<ByteRange[]> Frames { get; }

    public long LengthOf(int frameIndex) => Frames[frameIndex].Sum(r => r.Length);

    /// <summary>What is needed besides the layout: from the header data set.</summary>
    public sealed record ImageGeometry(int NumberOfFrames, int Rows, int Columns, int SamplesPerPixel, int BitsAllocated,
        ulong[]? ExtendedOffsetTable = null);

    /// <summary>
    /// Builds the index, or returns null when frames cannot be located from positions alone (bit-packed frames that do
    /// not end on a byte, truncated pixel data, fragments that cannot be assigned to frames).
    /// </summary>
    public static FrameIndex? Build(PixelDataLayout layout, ImageGeometry image)
    {
        if (!layout.Found || layout.Truncated || image.NumberOfFrames < 1) return null;
        return layout.IsEncapsulated ? BuildEncapsulated(layout, image) : BuildNative(layout, image);
    }

    private static FrameIndex? BuildNative(PixelDataLayout layout, ImageGeometry image)
    {
        var bitsPerFrame = (long)image.Rows * image.Columns * Math.Max(1, image.SamplesPerPixel) * image.BitsAllocated;
        if (bitsPerFrame <= 0 || bitsPerFrame % 8 != 0) return null;
        var frameLength = bitsPerFrame / 8;
        if (frameLength * image.NumberOfFrames > layout.ValueLength) return null;
        var frames = new ByteRange[image.NumberOfFrames][];
        for (var i = 0; i < frames.Length; i++)
            frames[i] = [new ByteRange(layout.ValueOffset + i * frameLength, frameLength)];
        return new FrameIndex(false, frames);
    }

    private static FrameIndex? BuildEncapsulated(PixelDataLayout layout, ImageGeometry image)
    {
        var fragments = layout.Items.Skip(1).ToList();
        if (fragments.Count == 0) return null;
        var frameCount = image.NumberOfFrames;
        if (frameCount == 1) return new FrameIndex(true, [fragments.Select(Range).ToArray()]);

        // Offsets (from the Extended Offset Table, else the Basic Offset Table) are relative to the first byte of the
        // first fragment's item tag; a fragment belongs to the last frame that starts at or before its item tag.
        var offsets = image.ExtendedOffsetTable is { Length: > 0 } eot ? eot : BasicOffsets(layout.BasicOffsetTable);
        if (offsets.Length == frameCount)
        {
            var origin = fragments[0].ValueOffset - 8;
            var frames = new List<ByteRange>[frameCount];
            for (var i = 0; i < frameCount; i++) frames[i] = [];
            var frame = 0;
            foreach (var fragment in fragments)
            {
                var at = (ulong)(fragment.ValueOffset - 8 - origin);
                while (frame + 1 < frameCount && offsets[frame + 1] <= at) frame++;
                frames[frame].Add(Range(fragment));
            }
            if (frames.All(f => f.Count > 0)) return new FrameIndex(true, frames.Select(f => f.ToArray()).ToArray());
        }

        if (fragments.Count == frameCount) return new FrameIndex(true, fragments.Select(f => new[] { Range(f) }).ToArray());

        // No usable table: a new frame starts at each fragment that begins with a codestream start marker
        // (JPEG / JPEG-LS SOI FFD8, JPEG 2000 SOC FF4F, JP2 signature box).
        var starts = fragments.Select((f, i) => (f, i)).Where(x => IsCodestreamStart(x.f.FirstBytes)).Select(x => x.i).ToList();
        if (starts.Count == frameCount && starts[0] == 0)
        {
            var frames = new ByteRange[frameCount][];
            for (var i = 0; i < frameCount; i++)
            {
                var end = i + 1 < frameCount ? starts[i + 1] : fragments.Count;
                frames[i] = fragments.Skip(starts[i]).Take(end - starts[i]).Select(Range).ToArray();
            }
            return new FrameIndex(true, frames);
        }
        return null;
    }

    private static bool IsCodestreamStart(uint firstBytes) =>
        (firstBytes >> 16) is 0xFFD8 or 0xFF4F || firstBytes == 0x0000000C;

    private static ByteRange Range(PixelDataItem item) => new(item.ValueOffset, item.Length);

    private static ulong[] BasicOffsets(byte[] table)
    {
        var offsets = new ulong[table.Length / 4];
        for (var i = 0; i < offsets.Length; i++) offsets[i] = BinaryPrimitives.ReadUInt32LittleEndian(table.AsSpan(i * 4));
        return offsets;
    }

    public byte[] Serialize()
    {
        var size = 1 + 1 + 4 + Frames.Sum(f => 4 + f.Length * 16);
        var bytes = new byte[size];
        var span = bytes.AsSpan();
        span[0] = FormatVersion;
        span[1] = IsEncapsulated ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt32LittleEndian(span[2..], Frames.Count);
        var at = 6;
        foreach (var frame in Frames)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], frame.Length);
            at += 4;
            foreach (var range in frame)
            {
                BinaryPrimitives.WriteInt64LittleEndian(span[at..], range.Offset);
                BinaryPrimitives.WriteInt64LittleEndian(span[(at + 8)..], range.Length);
                at += 16;
            }
        }
        return bytes;
    }

    public static FrameIndex Deserialize(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 6 || bytes[0] != FormatVersion) throw new FormatException("Unknown frame index format.");
        var encapsulated = bytes[1] == 1;
        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes[2..]);
        var frames = new ByteRange[count][];
        var at = 6;
        for (var i = 0; i < count; i++)
        {
            var ranges = new ByteRange[BinaryPrimitives.ReadInt32LittleEndian(bytes[at..])];
            at += 4;
            for (var r = 0; r < ranges.Length; r++, at += 16)
                ranges[r] = new ByteRange(BinaryPrimitives.ReadInt64LittleEndian(bytes[at..]), BinaryPrimitives.ReadInt64LittleEndian(bytes[(at + 8)..]));
            frames[i] = ranges;
        }
        return new FrameIndex(encapsulated, frames);
    }
}
