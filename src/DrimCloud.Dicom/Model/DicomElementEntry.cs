namespace DrimCloud.Dicom;

[Flags]
internal enum EntryFlags : ushort
{
    None = 0,

    /// <summary>The sequence, item or pixel data had undefined length (0xFFFFFFFF) in the source: written back the same way.</summary>
    UndefinedLength = 1,

    /// <summary>Explicit VR UN with undefined length holding a sequence encoded in implicit VR LE (PS3.5 §6.2.2).</summary>
    SequenceFromUN = 2,

    /// <summary>The value was not copied into memory: it stays in the source at <see cref="DicomElementEntry.ValueOffset"/>.</summary>
    Lazy = 4,

    /// <summary>The value was read past without keeping it (non-seekable source in skip mode): only its position is known.</summary>
    Skipped = 8,
}

/// <summary>
/// One row of a dataset's element table. Values are not decoded at parse time: the row only says where the bytes
/// are (a slice of the shared read buffer, an owned array, or a range of the source), so parsing a header costs
/// one 40-byte struct per element and no allocation.
/// </summary>
internal struct DicomElementEntry
{
    public uint Tag;
    public ushort Vr;
    public EntryFlags Flags;

    /// <summary>Value length as encoded (0xFFFFFFFF for undefined), or the length of the owned value.</summary>
    public uint Length;

    /// <summary>Start of the value in the shared buffer when it lives there; -1 otherwise.</summary>
    public int BufferOffset;

    /// <summary>Offset of the element's first header byte in the source (-1 for elements created in memory).</summary>
    public long StreamOffset;

    /// <summary>Offset of the first value byte in the source (-1 for elements created in memory).</summary>
    public long ValueOffset;

    /// <summary>byte[] (owned value), <see cref="DicomSequence"/> or <see cref="DicomFragments"/>; null when the value is in the buffer or lazy.</summary>
    public object? Payload;

    public readonly bool IsUndefinedLength => (Flags & EntryFlags.UndefinedLength) != 0;
}
