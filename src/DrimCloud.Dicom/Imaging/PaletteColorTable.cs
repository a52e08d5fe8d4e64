using System.Buffers.Binary;

namespace DrimCloud.Dicom.Imaging;

/// <summary>
/// The red, green and blue Palette Color Lookup Tables of a PALETTE COLOR image (PS3.3 C.7.6.3.1.5), reduced to
/// 8-bit levels. Indices below the first mapped value take the first entry, indices past the end the last one.
/// </summary>
public sealed class PaletteColorTable
{
    private readonly byte[] _red;
    private readonly byte[] _green;
    private readonly byte[] _blue;

    private PaletteColorTable(int firstMapped, byte[] red, byte[] green, byte[] blue)
    {
        FirstMapped = firstMapped;
        _red = red;
        _green = green;
        _blue = blue;
    }

    public int FirstMapped { get; }

    public int Count => _red.Length;

    public static PaletteColorTable Read(DicomDataset dataset)
    {
        if (dataset.Contains(DicomTags.SegmentedRedPaletteColorLookupTableData))
            throw new ImageNotRenderableException("Segmented palette color lookup tables are not supported.");
        var red = ReadChannel(dataset, DicomTags.RedPaletteColorLookupTableDescriptor, DicomTags.RedPaletteColorLookupTableData, out var first);
        var green = ReadChannel(dataset, DicomTags.GreenPaletteColorLookupTableDescriptor, DicomTags.GreenPaletteColorLookupTableData, out var greenFirst);
        var blue = ReadChannel(dataset, DicomTags.BluePaletteColorLookupTableDescriptor, DicomTags.BluePaletteColorLookupTableData, out var blueFirst);
        if (green.Length != red.Length || blue.Length != red.Length || greenFirst != first || blueFirst != first)
            throw new ImageNotRenderableException("The red, green and blue palette descriptors disagree.");
        return new PaletteColorTable(first, red, green, blue);
    }

    /// <summary>Writes the color of <paramref name="index"/> as R, G, B into <paramref name="rgb"/>.</summary>
    public void Lookup(int index, Span<byte> rgb)
    {
        var i = Math.Clamp(index - FirstMapped, 0, _red.Length - 1);
        rgb[0] = _red[i];
        rgb[1] = _green[i];
        rgb[2] = _blue[i];
    }

    private static byte[] ReadChannel(DicomDataset dataset, DicomTag descriptorTag, DicomTag dataTag, out int firstMapped)
    {
        var declared = dataset.GetInt32(descriptorTag, 0);
        var first = dataset.GetInt32(descriptorTag, 1);
        var bits = dataset.GetInt32(descriptorTag, 2);
        if (declared is null || first is null || bits is not (8 or 16) || !dataset.TryGetElement(dataTag, out var element))
            throw new ImageNotRenderableException("PALETTE COLOR image without a usable palette color lookup table.");
        firstMapped = first.Value;
        var count = declared.Value == 0 ? 65536 : declared.Value;

        byte[] data;
        try
        {
            data = element.ReadValue();
        }
        catch (InvalidOperationException)
        {
            throw new ImageNotRenderableException("The palette color lookup table data could not be read.");
        }

        var levels = new byte[count];
        if (data.Length == count)
        {
            // 8-bit entries packed one per byte (seen in the wild although the standard asks for 16-bit words).
            data.CopyTo(levels, 0);
            return levels;
        }
        if (data.Length < count * 2)
            throw new ImageNotRenderableException($"The palette color lookup table holds {data.Length} bytes for {count} entries.");

        var words = new ushort[count];
        var bigEndian = dataset.IsBigEndian;
        for (var i = 0; i < count; i++)
        {
            var span = data.AsSpan(i * 2, 2);
            words[i] = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(span) : BinaryPrimitives.ReadUInt16LittleEndian(span);
        }

        // 8-bit tables normally hold their levels in the low byte; some writers put them in the high byte instead.
        var shift = bits == 16 || words.Any(w => w > 255) ? 8 : 0;
        for (var i = 0; i < count; i++) levels[i] = (byte)(words[i] >> shift);
        return levels;
    }
}
