using System.Text;

namespace DrimCloud.Dicom;

/// <summary>Typed reading of values. Nothing is decoded until one of these is called.</summary>
public sealed partial class DicomDataset
{
    private DicomCharacterSet? _characterSet;

    /// <summary>The character set for text values: this dataset's (0008,0005), else the enclosing dataset's, else the default repertoire.</summary>
    public DicomCharacterSet CharacterSet
    {
        get
        {
            if (_characterSet is not null)
            {
                return _characterSet;
            }

            var index = IndexOf(DicomTag.SpecificCharacterSet.Value);
            if (index >= 0)
            {
                var raw = DicomValues.TrimPadding(InMemoryValue(in _entries[index]), DicomVR.CS);
                _characterSet = DicomCharacterSet.FromSpecificCharacterSet(Encoding.ASCII.GetString(raw).TrimStart());
            }
            else
            {
                _characterSet = Parent?.CharacterSet ?? DicomCharacterSet.Default;
            }

            return _characterSet;
        }
    }

    internal void ResetCharacterSet() => _characterSet = null;

    internal byte[] ValueBytes(in DicomElementEntry entry)
    {
        if ((entry.Flags & (EntryFlags.Lazy | EntryFlags.Skipped)) == 0)
        {
            return InMemoryValue(in entry).ToArray();
        }

        var result = new byte[entry.Length];
        ReadFromSource(entry.ValueOffset, result);
        return result;
    }

    internal string DecodeString(in DicomElementEntry entry)
    {
        if (entry.Payload is DicomSequence or DicomFragments)
        {
            return string.Empty;
        }

        var vr = new DicomVR(entry.Vr);
        ReadOnlySpan<byte> raw = (entry.Flags & (EntryFlags.Lazy | EntryFlags.Skipped)) == 0 ? InMemoryValue(in entry) : ValueBytes(in entry);
        raw = DicomValues.TrimPadding(raw, vr);
        if (raw.IsEmpty)
        {
            return string.Empty;
        }

        return vr.UsesCharacterSet ? CharacterSet.Decode(raw, vr) : Encoding.Latin1.GetString(raw);
    }

    internal int CountValues(int index)
    {
        ref var entry = ref _entries[index];
        var vr = new DicomVR(entry.Vr);
        if (entry.Payload is DicomSequence sequence)
        {
            return sequence.Count;
        }

        if (entry.Payload is DicomFragments || entry.Length == 0)
        {
            return entry.Payload is DicomFragments ? 1 : 0;
        }

        if (vr.IsString)
        {
            return DicomValues.SplitValues(DecodeString(in entry), vr).Length;
        }

        var size = DicomValues.BinaryValueSize(vr);
        return size > 0 ? (int)(entry.Length / (uint)size) : 1;
    }

    /// <summary>The whole value of a string element (all values, backslashes included), or null when absent.</summary>
    public string? GetString(DicomTag tag)
    {
        var index = IndexOf(tag.Value);
        return index < 0 ? null : DecodeString(in _entries[index]);
    }

    public bool TryGetString(DicomTag tag, out string value)
    {
        var index = IndexOf(tag.Value);
        value = index < 0 ? string.Empty : DecodeString(in _entries[index]);
        return index >= 0;
    }

    /// <summary>The values of a string element (split at backslashes, insignificant spaces removed); empty when absent.</summary>
    public string[] GetStrings(DicomTag tag)
    {
        var index = IndexOf(tag.Value);
        return index < 0 ? [] : DicomValues.SplitValues(DecodeString(in _entries[index]), new DicomVR(_entries[index].Vr));
    }

    /// <summary>A UID value with its NUL/space padding removed, or null when absent.</summary>
    public string? GetUid(DicomTag tag) => GetString(tag);

    public int GetValueCount(DicomTag tag)
    {
        var index = IndexOf(tag.Value);
        return index < 0 ? 0 : CountValues(index);
    }

    /// <summary>Value <paramref name="index"/> as a double: binary numbers (US…FD, SV, UV) and DS/IS strings.</summary>
    public bool TryGetDouble(DicomTag tag, int index, out double value)
    {
        value = 0;
        var row = IndexOf(tag.Value);
        if (row < 0 || index < 0)
        {
            return false;
        }

        ref var entry = ref _entries[row];
        var vr = new DicomVR(entry.Vr);
        var size = DicomValues.BinaryValueSize(vr);
        if (size > 0 && vr != DicomVR.AT)
        {
            var raw = InMemoryValue(in entry);
            if ((index + 1) * size > raw.Length)
            {
                return false;
            }

            value = DicomValues.ReadBinaryNumber(raw, vr, index, IsBigEndian);
            return true;
        }

        if (vr == DicomVR.DS || vr == DicomVR.IS)
        {
            var values = DicomValues.SplitValues(DecodeString(in entry), vr);
            return index < values.Length && DicomValues.TryParseDecimalString(values[index], out value);
        }

        return false;
    }

    public double? GetDouble(DicomTag tag, int index = 0) => TryGetDouble(tag, index, out var value) ? value : null;

    /// <summary>Value <paramref name="index"/> as an integer: integer binary VRs and IS (also a DS holding an integer).</summary>
    public bool TryGetInt64(DicomTag tag, int index, out long value)
    {
        value = 0;
        var row = IndexOf(tag.Value);
        if (row < 0 || index < 0)
        {
            return false;
        }

        ref var entry = ref _entries[row];
        var vr = new DicomVR(entry.Vr);
        if (vr == DicomVR.IS || vr == DicomVR.DS)
        {
            var values = DicomValues.SplitValues(DecodeString(in entry), vr);
            if (index >= values.Length)
            {
                return false;
            }

            if (DicomValues.TryParseIntegerString(values[index], out value))
            {
                return true;
            }

            if (DicomValues.TryParseDecimalString(values[index], out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e15)
            {
                value = (long)d;
                return true;
            }

            return false;
        }

        var size = DicomValues.BinaryValueSize(vr);
        var raw = InMemoryValue(in entry);
        if (size == 0 || (index + 1) * size > raw.Length)
        {
            return false;
        }

        return DicomValues.TryReadBinaryInteger(raw, vr, index, IsBigEndian, out value, out _);
    }

    public int? GetInt32(DicomTag tag, int index = 0) =>
        TryGetInt64(tag, index, out var value) && value is >= int.MinValue and <= int.MaxValue ? (int)value : null;

    public DateOnly? GetDate(DicomTag tag) =>
        GetString(tag) is { } text && DicomValues.TryParseDate(text.Trim(), out var date) ? date : null;

    public TimeOnly? GetTime(DicomTag tag) =>
        GetString(tag) is { } text && DicomValues.TryParseTime(text.Trim(), out var time) ? time : null;

    public DateTimeOffset? GetDateTime(DicomTag tag) =>
        GetString(tag) is { } text && DicomValues.TryParseDateTime(text.Trim(), out var value) ? value : null;

    /// <summary>The first person name of a PN element, with its component groups; null when absent or empty.</summary>
    public DicomPersonName? GetPersonName(DicomTag tag)
    {
        var values = GetStrings(tag);
        return values.Length == 0 ? null : DicomPersonName.Parse(values[0]);
    }

    /// <summary>Value <paramref name="index"/> of an AT element.</summary>
    public DicomTag? GetAttributeTag(DicomTag tag, int index = 0)
    {
        var row = IndexOf(tag.Value);
        if (row < 0)
        {
            return null;
        }

        var raw = InMemoryValue(in _entries[row]);
        if ((index + 1) * 4 > raw.Length)
        {
            return null;
        }

        return new DicomTag(ByteOrder.Tag(raw[(index * 4)..], IsBigEndian));
    }

    public DicomSequence? GetSequence(DicomTag tag)
    {
        var row = IndexOf(tag.Value);
        return row < 0 ? null : _entries[row].Payload as DicomSequence;
    }
}
