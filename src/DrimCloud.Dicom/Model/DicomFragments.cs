namespace DrimCloud.Dicom;

/// <summary>Where one fragment of encapsulated pixel data is.</summary>
public readonly record struct DicomFragment(long StreamOffset, long ValueOffset, uint Length);

/// <summary>
/// Encapsulated pixel data (PS3.5 §A.4): the Basic Offset Table (first item, possibly empty) followed by the
/// fragments, kept exactly as they were. Each fragment's position in the source is recorded so a frame index can
/// be built without decoding anything.
/// </summary>
public sealed class DicomFragments
{
    private readonly List<DicomFragment> _fragments = [];
    private readonly List<int> _bufferOffsets = [];
    private readonly List<byte[]?> _owned = [];
    private readonly DicomDataset _owner;

    internal DicomFragments(DicomDataset owner) => _owner = owner;

    /// <summary>Number of items including the Basic Offset Table.</summary>
    public int ItemCount => _fragments.Count;

    /// <summary>Item 0 is the Basic Offset Table; the rest are fragments.</summary>
    public DicomFragment this[int index] => _fragments[index];

    /// <summary>The Basic Offset Table entries (offsets of each frame's first fragment, relative to the first fragment's item tag).</summary>
    public uint[] GetBasicOffsetTable()
    {
        if (_fragments.Count == 0 || _fragments[0].Length == 0)
        {
            return [];
        }

        var bytes = ReadItem(0);
        var table = new uint[bytes.Length / 4];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = ByteOrder.U32(bytes.AsSpan(i * 4), _owner.IsBigEndian);
        }

        return table;
    }

    /// <summary>The bytes of one item (0 = Basic Offset Table), read from the source if they were left there.</summary>
    public byte[] ReadItem(int index)
    {
        var fragment = _fragments[index];
        var result = new byte[fragment.Length];
        CopyItem(index, result);
        return result;
    }

    /// <summary>Copies the bytes of one item into <paramref name="destination"/> (which must be at least its length).</summary>
    public void CopyItem(int index, Span<byte> destination)
    {
        var fragment = _fragments[index];
        if (_owned[index] is { } owned)
        {
            owned.CopyTo(destination);
        }
        else if (_bufferOffsets[index] >= 0)
        {
            _owner.Buffer.AsSpan(_bufferOffsets[index], (int)fragment.Length).CopyTo(destination);
        }
        else
        {
            _owner.ReadFromSource(fragment.ValueOffset, destination[..(int)fragment.Length]);
        }
    }

    /// <summary>Appends a fragment held in memory (for building encapsulated pixel data).</summary>
    public void Add(byte[] data)
    {
        _owner.MarkModified();
        _fragments.Add(new DicomFragment(-1, -1, (uint)data.Length));
        _bufferOffsets.Add(-1);
        _owned.Add(data);
    }

    internal void AddParsed(long streamOffset, long valueOffset, uint length, int bufferOffset)
    {
        _fragments.Add(new DicomFragment(streamOffset, valueOffset, length));
        _bufferOffsets.Add(bufferOffset);
        _owned.Add(null);
    }

    internal bool IsInMemory(int index) => _owned[index] is not null || _bufferOffsets[index] >= 0;
}
