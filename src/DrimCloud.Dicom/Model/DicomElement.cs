namespace DrimCloud.Dicom;

/// <summary>
/// A view of one element of a dataset (the dataset and a row index): cheap to copy, valid until the dataset is
/// changed or disposed. Values are decoded on demand.
/// </summary>
public readonly struct DicomElement
{
    public const uint UndefinedLength = 0xFFFFFFFF;

    private readonly DicomDataset _dataset;
    private readonly int _index;

    internal DicomElement(DicomDataset dataset, int index)
    {
        _dataset = dataset;
        _index = index;
    }

    private ref DicomElementEntry Entry => ref _dataset.EntryAt(_index);

    public DicomDataset Dataset => _dataset;

    public DicomTag Tag => new(Entry.Tag);

    public DicomVR VR => new(Entry.Vr);

    /// <summary>Value length in bytes as encoded, or <see cref="UndefinedLength"/> for undefined-length sequences and encapsulated pixel data.</summary>
    public uint Length => Entry.Length;

    public bool HasUndefinedLength => Entry.IsUndefinedLength;

    /// <summary>Offset of the element's first header byte in the source (relative to where reading started; in the inflated stream for deflated data); -1 if created in memory.</summary>
    public long StreamOffset => Entry.StreamOffset;

    /// <summary>Offset of the first value byte in the source; -1 if created in memory.</summary>
    public long ValueOffset => Entry.ValueOffset;

    public bool IsSequence => Entry.Payload is DicomSequence;

    /// <summary>True for a UN element of undefined length that held an implicit VR LE sequence (PS3.5 §6.2.2).</summary>
    public bool IsSequenceEncodedAsUN => (Entry.Flags & EntryFlags.SequenceFromUN) != 0;

    public DicomSequence? Items => Entry.Payload as DicomSequence;

    /// <summary>Encapsulated pixel data fragments (null for native values).</summary>
    public DicomFragments? Fragments => Entry.Payload as DicomFragments;

    /// <summary>False when the value was left in the source (large values from a seekable source) or skipped.</summary>
    public bool IsInMemory => (Entry.Flags & (EntryFlags.Lazy | EntryFlags.Skipped)) == 0;

    /// <summary>True when the value was read past on a non-seekable source and is no longer available.</summary>
    public bool IsSkipped => (Entry.Flags & EntryFlags.Skipped) != 0;

    /// <summary>The raw value bytes (in the dataset's byte order) when held in memory; empty for sequences and fragments.</summary>
    public ReadOnlySpan<byte> RawValue =>
        IsInMemory ? _dataset.InMemoryValue(in Entry) : throw new InvalidOperationException($"{Tag}: the value was left in the source; use CopyValueTo or ReadValue.");

    /// <summary>The raw value bytes, read from the source when they were left there.</summary>
    public byte[] ReadValue()
    {
        if (IsInMemory)
        {
            return RawValue.ToArray();
        }

        var result = new byte[Entry.Length];
        _dataset.ReadFromSource(Entry.ValueOffset, result);
        return result;
    }

    /// <summary>Streams the raw value to <paramref name="destination"/> without holding it all in memory.</summary>
    public void CopyValueTo(Stream destination)
    {
        if (IsInMemory)
        {
            destination.Write(RawValue);
            return;
        }

        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            long done = 0;
            while (done < Entry.Length)
            {
                var chunk = (int)Math.Min(buffer.Length, Entry.Length - done);
                _dataset.ReadFromSource(Entry.ValueOffset + done, buffer.AsSpan(0, chunk));
                destination.Write(buffer, 0, chunk);
                done += chunk;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The whole value as text (string VRs), decoded with the dataset's character set, padding removed.</summary>
    public string GetString() => _dataset.DecodeString(in Entry);

    /// <summary>The values of a multi-valued string, split at backslashes.</summary>
    public string[] GetStrings() => DicomValues.SplitValues(GetString(), VR);

    public int ValueCount => _dataset.CountValues(_index);

    public override string ToString() => $"{Tag} {VR} ({Length} bytes)";
}
