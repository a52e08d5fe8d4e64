using System.Buffers.Binary;
using System.Text;

namespace DrimCloud.Dicom;

/// <summary>Changing a dataset in memory. New values are encoded in the dataset's byte order and kept sorted by tag.</summary>
public sealed partial class DicomDataset
{
    private ref DicomElementEntry Upsert(DicomTag tag, DicomVR vr)
    {
        var index = IndexOf(tag.Value);
        if (index < 0)
        {
            if (_count == _entries.Length)
            {
                Grow();
            }

            index = _count;
            if (_sorted)
            {
                while (index > 0 && _entries[index - 1].Tag > tag.Value)
                {
                    index--;
                }

                Array.Copy(_entries, index, _entries, index + 1, _count - index);
            }

            _count++;
        }

        MarkModified();
        ref var entry = ref _entries[index];
        entry = default;
        entry.Tag = tag.Value;
        entry.Vr = vr.Code;
        entry.BufferOffset = -1;
        entry.StreamOffset = -1;
        entry.ValueOffset = -1;
        if (tag == DicomTag.SpecificCharacterSet)
        {
            ResetCharacterSet();
        }

        return ref entry;
    }

    /// <summary>Sets a raw value (already in this dataset's byte order). Odd lengths are padded with the VR's padding byte.</summary>
    public void SetRaw(DicomTag tag, DicomVR vr, ReadOnlySpan<byte> value)
    {
        byte[] data;
        if ((value.Length & 1) != 0)
        {
            data = new byte[value.Length + 1];
            value.CopyTo(data);
            data[^1] = vr.PaddingByte;
        }
        else
        {
            data = value.ToArray();
        }

        ref var entry = ref Upsert(tag, vr);
        entry.Payload = data;
        entry.Length = (uint)data.Length;
    }

    /// <summary>Sets a raw value exactly as given, odd length included (used to carry values over unchanged).</summary>
    internal void SetRawExact(DicomTag tag, DicomVR vr, ReadOnlySpan<byte> value)
    {
        ref var entry = ref Upsert(tag, vr);
        entry.Payload = value.ToArray();
        entry.Length = (uint)value.Length;
    }

    /// <summary>Sets a string value (several values joined with backslashes), encoded with this dataset's character set for text VRs.</summary>
    public void SetString(DicomTag tag, DicomVR vr, string value)
    {
        if (tag == DicomTag.SpecificCharacterSet)
        {
            SetRaw(tag, vr, Encoding.ASCII.GetBytes(value));
            ResetCharacterSet();
            return;
        }

        var bytes = vr.UsesCharacterSet ? CharacterSet.Encode(value, vr) : Encoding.Latin1.GetBytes(value);
        SetRaw(tag, vr, bytes);
    }

    public void SetStrings(DicomTag tag, DicomVR vr, IEnumerable<string> values) => SetString(tag, vr, string.Join('\\', values));

    /// <summary>Sets binary numbers (US, SS, UL, SL, FL, FD, SV, UV, or OB/OW/OF/OD/OL/OV word data).</summary>
    public void SetNumbers(DicomTag tag, DicomVR vr, IReadOnlyList<double> values)
    {
        var size = DicomValues.BinaryValueSize(vr);
        if (size == 0)
        {
            throw new ArgumentException($"{vr} is not a binary number VR.", nameof(vr));
        }

        var data = new byte[values.Count * size];
        for (var i = 0; i < values.Count; i++)
        {
            WriteNumber(data.AsSpan(i * size, size), vr, values[i], IsBigEndian);
        }

        SetRaw(tag, vr, data);
    }

    /// <summary>Sets 64-bit integers exactly (SV, UV; also works for the smaller integer VRs).</summary>
    public void SetIntegers(DicomTag tag, DicomVR vr, IReadOnlyList<long> values)
    {
        var size = DicomValues.BinaryValueSize(vr);
        var data = new byte[values.Count * size];
        for (var i = 0; i < values.Count; i++)
        {
            var span = data.AsSpan(i * size, size);
            if (size == 8)
            {
                if (IsBigEndian)
                {
                    BinaryPrimitives.WriteInt64BigEndian(span, values[i]);
                }
                else
                {
                    BinaryPrimitives.WriteInt64LittleEndian(span, values[i]);
                }
            }
            else
            {
                WriteNumber(span, vr, values[i], IsBigEndian);
            }
        }

        SetRaw(tag, vr, data);
    }

    public void SetAttributeTags(DicomTag tag, IReadOnlyList<DicomTag> values)
    {
        var data = new byte[values.Count * 4];
        for (var i = 0; i < values.Count; i++)
        {
            ByteOrder.WriteTag(data.AsSpan(i * 4), values[i].Value, IsBigEndian);
        }

        SetRaw(tag, DicomVR.AT, data);
    }

    /// <summary>Adds (or replaces) a sequence element and returns its empty item list.</summary>
    public DicomSequence SetSequence(DicomTag tag, bool undefinedLength = true)
    {
        var sequence = new DicomSequence { Owner = this };
        ref var entry = ref Upsert(tag, DicomVR.SQ);
        entry.Payload = sequence;
        entry.Length = undefinedLength ? DicomElement.UndefinedLength : 0;
        if (undefinedLength)
        {
            entry.Flags |= EntryFlags.UndefinedLength;
        }

        return sequence;
    }

    /// <summary>Creates an empty item whose character set and byte order follow this dataset.</summary>
    public DicomDataset CreateItem() => new(this, IsBigEndian);

    /// <summary>Adds (or replaces) encapsulated pixel data and returns its fragment list (add the Basic Offset Table first).</summary>
    public DicomFragments SetFragments(DicomTag tag, DicomVR vr)
    {
        var fragments = new DicomFragments(this);
        ref var entry = ref Upsert(tag, vr);
        entry.Payload = fragments;
        entry.Length = DicomElement.UndefinedLength;
        entry.Flags |= EntryFlags.UndefinedLength;
        return fragments;
    }

    public bool Remove(DicomTag tag)
    {
        var index = IndexOf(tag.Value);
        if (index < 0)
        {
            return false;
        }

        MarkModified();
        Array.Copy(_entries, index + 1, _entries, index, _count - index - 1);
        _entries[--_count] = default;
        if (tag == DicomTag.SpecificCharacterSet)
        {
            ResetCharacterSet();
        }

        return true;
    }

    private static void WriteNumber(Span<byte> span, DicomVR vr, double value, bool bigEndian)
    {
        switch (vr.Code)
        {
            case 0x5355: ByteOrder.WriteU16(span, checked((ushort)value), bigEndian); break;
            case 0x5353: ByteOrder.WriteU16(span, unchecked((ushort)checked((short)value)), bigEndian); break;
            case 0x4C55: ByteOrder.WriteU32(span, checked((uint)value), bigEndian); break;
            case 0x4C53: ByteOrder.WriteU32(span, unchecked((uint)checked((int)value)), bigEndian); break;
            case 0x4C46: ByteOrder.WriteU32(span, BitConverter.SingleToUInt32Bits((float)value), bigEndian); break;
            case 0x4446:
                var bits = BitConverter.DoubleToUInt64Bits(value);
                if (bigEndian)
                {
                    BinaryPrimitives.WriteUInt64BigEndian(span, bits);
                }
                else
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(span, bits);
                }

                break;
            case 0x5653:
                if (bigEndian)
                {
                    BinaryPrimitives.WriteInt64BigEndian(span, checked((long)value));
                }
                else
                {
                    BinaryPrimitives.WriteInt64LittleEndian(span, checked((long)value));
                }

                break;
            case 0x5655:
                if (bigEndian)
                {
                    BinaryPrimitives.WriteUInt64BigEndian(span, checked((ulong)value));
                }
                else
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(span, checked((ulong)value));
                }

                break;
            default:
                throw new ArgumentException($"{vr} is not a binary number VR.", nameof(vr));
        }
    }
}
