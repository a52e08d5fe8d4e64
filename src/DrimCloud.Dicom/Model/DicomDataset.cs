using System.Buffers;
using System.Collections;

namespace DrimCloud.Dicom;

/// <summary>
/// An ordered set of data elements (a whole data set, the file meta information, or one sequence item).
/// Parsed datasets keep their values as raw bytes in the source's byte order and decode them only when asked;
/// large values may stay in the source (see <see cref="DicomElement.IsInMemory"/>).
/// Dispose the root dataset (or its <see cref="DicomFile"/>) to give its pooled buffers back; a disposed dataset
/// and its items must not be used any more.
/// </summary>
public sealed partial class DicomDataset : IDisposable, IEnumerable<DicomElement>
{
    private const int InitialEntries = 16;

    private DicomElementEntry[] _entries;
    private int _count;
    private bool _sorted = true;
    private DicomBuffer? _buffer;
    private DicomValueSource? _source;
    private bool _ownsStorage;

    /// <summary>An empty little-endian dataset, to be filled in memory.</summary>
    public DicomDataset()
        : this(parent: null, bigEndian: false)
    {
    }

    internal DicomDataset(DicomDataset? parent, bool bigEndian, DicomBuffer? buffer = null, DicomValueSource? source = null, int capacity = InitialEntries)
    {
        Parent = parent;
        IsBigEndian = bigEndian;
        _buffer = buffer ?? parent?._buffer;
        _source = source ?? parent?._source;
        _entries = ArrayPool<DicomElementEntry>.Shared.Rent(capacity);
    }

    /// <summary>The dataset holding the sequence this item belongs to; null for a root dataset.</summary>
    public DicomDataset? Parent { get; internal set; }

    /// <summary>Byte order of the raw values held by this dataset (big endian only for data read from Explicit VR Big Endian).</summary>
    public bool IsBigEndian { get; internal set; }

    public int Count => _count;

    /// <summary>Element at a position in the table (tag order for well-formed data).</summary>
    public DicomElement this[int index] =>
        (uint)index < (uint)_count ? new DicomElement(this, index) : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>Element by tag; throws <see cref="KeyNotFoundException"/> when absent.</summary>
    public DicomElement this[DicomTag tag] =>
        TryGetElement(tag, out var element) ? element : throw new KeyNotFoundException($"{tag} is not in the dataset.");

    internal byte[] Buffer => (_buffer ?? throw new InvalidOperationException("No buffer.")).Data;

    internal DicomBuffer? SharedBuffer => _buffer;

    internal ref DicomElementEntry EntryAt(int index) => ref _entries[index];

    public bool Contains(DicomTag tag) => IndexOf(tag.Value) >= 0;

    public bool TryGetElement(DicomTag tag, out DicomElement element)
    {
        var index = IndexOf(tag.Value);
        element = index >= 0 ? new DicomElement(this, index) : default;
        return index >= 0;
    }

    internal int IndexOf(uint tag)
    {
        var entries = _entries;
        if (_sorted)
        {
            int lo = 0, hi = _count - 1;
            while (lo <= hi)
            {
                var mid = (int)((uint)(lo + hi) >> 1);
                var value = entries[mid].Tag;
                if (value == tag)
                {
                    return mid;
                }

                if (value < tag)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            return -1;
        }

        for (var i = 0; i < _count; i++)
        {
            if (entries[i].Tag == tag)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Appends a row read from the source (in source order; out-of-order tags are kept as they came).</summary>
    internal ref DicomElementEntry AppendParsed(uint tag)
    {
        if (_count == _entries.Length)
        {
            Grow();
        }

        if (_count > 0 && _entries[_count - 1].Tag >= tag)
        {
            _sorted = false;
        }

        ref var entry = ref _entries[_count++];
        entry = default;
        entry.Tag = tag;
        return ref entry;
    }

    /// <summary>Removes the last row (used by the reader when it stops in front of an element).</summary>
    internal void RemoveLast() => _entries[--_count] = default;

    private void Grow()
    {
        var bigger = ArrayPool<DicomElementEntry>.Shared.Rent(_entries.Length * 2);
        Array.Copy(_entries, bigger, _count);
        ReturnEntries();
        _entries = bigger;
    }

    private void ReturnEntries()
    {
        Array.Clear(_entries, 0, _count);
        ArrayPool<DicomElementEntry>.Shared.Return(_entries);
    }

    /// <summary>The raw bytes of a value held in memory, in this dataset's byte order.</summary>
    internal ReadOnlySpan<byte> InMemoryValue(in DicomElementEntry entry)
    {
        if (entry.Payload is byte[] owned)
        {
            return owned;
        }

        if (entry.BufferOffset >= 0 && (entry.Flags & (EntryFlags.Lazy | EntryFlags.Skipped)) == 0)
        {
            return Buffer.AsSpan(entry.BufferOffset, (int)entry.Length);
        }

        return [];
    }

    internal void ReadFromSource(long offset, Span<byte> destination)
    {
        var source = Source ?? throw new InvalidOperationException("This value was read past and not kept (non-seekable source in skip mode).");
        source.ReadAt(offset, destination);
    }

    /// <summary>The source of lazy values: the root's (items are created before the root knows it).</summary>
    private DicomValueSource? Source => _source ?? Parent?.Source;

    internal bool HasSource => Source is not null;

    /// <summary>True once anything in this dataset or one of its items was changed after it was read.</summary>
    public bool IsModified { get; private set; }

    internal void MarkModified()
    {
        for (var dataset = this; dataset is not null && !dataset.IsModified; dataset = dataset.Parent)
        {
            dataset.IsModified = true;
        }
    }

    internal void TakeOwnership(DicomValueSource? source)
    {
        _ownsStorage = true;
        _source = source;
    }

    /// <summary>Gives the pooled element tables back (recursively) and, for a root, the shared buffer and source.</summary>
    public void Dispose()
    {
        ReleaseTable();
        if (_ownsStorage)
        {
            _buffer?.Dispose();
            _source?.Dispose();
            _ownsStorage = false;
        }
    }

    internal void ReleaseTable()
    {
        if (_entries.Length == 0)
        {
            return;
        }

        for (var i = 0; i < _count; i++)
        {
            if (_entries[i].Payload is DicomSequence sequence)
            {
                sequence.ReleaseItems();
            }
        }

        ReturnEntries();
        _entries = [];
        _count = 0;
    }

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<DicomElement> IEnumerable<DicomElement>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Allocation-free enumerator over the element table.</summary>
    public struct Enumerator(DicomDataset dataset) : IEnumerator<DicomElement>
    {
        private int _index = -1;

        public readonly DicomElement Current => new(dataset, _index);

        readonly object IEnumerator.Current => Current;

        public bool MoveNext() => ++_index < dataset._count;

        public void Reset() => _index = -1;

        public readonly void Dispose()
        {
        }
    }
}
