namespace DrimCloud.Dicom;

/// <summary>The items of a sequence (SQ) element, in order. Each item is a dataset.</summary>
public sealed class DicomSequence : IReadOnlyList<DicomDataset>
{
    private readonly List<DicomDataset> _items = [];
    private readonly List<bool> _undefinedLengthItems = [];

    public int Count => _items.Count;

    /// <summary>The dataset holding this sequence, told about changes so that writers know it is no longer as read.</summary>
    internal DicomDataset? Owner { get; set; }

    public DicomDataset this[int index] => _items[index];

    /// <summary>Adds an item; by default it is written with undefined length (item delimiters), the most robust form.</summary>
    public void Add(DicomDataset item, bool undefinedLength = true)
    {
        Owner?.MarkModified();
        AddParsed(item, undefinedLength);
    }

    internal void AddParsed(DicomDataset item, bool undefinedLength)
    {
        _items.Add(item);
        _undefinedLengthItems.Add(undefinedLength);
    }

    public void RemoveAt(int index)
    {
        Owner?.MarkModified();
        _items.RemoveAt(index);
        _undefinedLengthItems.RemoveAt(index);
    }

    /// <summary>True if the item at <paramref name="index"/> used (or will use) undefined length with an item delimiter.</summary>
    public bool IsUndefinedLengthItem(int index) => _undefinedLengthItems[index];

    public List<DicomDataset>.Enumerator GetEnumerator() => _items.GetEnumerator();

    IEnumerator<DicomDataset> IEnumerable<DicomDataset>.GetEnumerator() => _items.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => _items.GetEnumerator();

    internal void ReleaseItems()
    {
        foreach (var item in _items)
        {
            item.ReleaseTable();
        }
    }
}
