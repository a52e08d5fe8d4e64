namespace DrimCloud.Dicom;

/// <summary>Encodes elements, sequences, items and fragments in one target transfer syntax (PS3.5 §7).</summary>
internal sealed class ElementWriter(DicomOutputBuffer sink, DicomTransferSyntax target, bool converting, bool dropGroupLengths)
{
    private const uint Undefined = 0xFFFFFFFF;
    private const uint ItemTag = 0xFFFEE000;
    private const uint ItemDelimitationTag = 0xFFFEE00D;
    private const uint SequenceDelimitationTag = 0xFFFEE0DD;

    /// <summary>How one element is encoded in the target: whether the header is implicit, its byte order, and its VR.</summary>
    private readonly record struct Encoding(bool Implicit, bool BigEndian);

    private Encoding Root => new(!target.IsExplicitVR, target.IsBigEndian);

    public void WriteDataset(DicomDataset dataset) => WriteDataset(dataset, Root);

    private void WriteDataset(DicomDataset dataset, Encoding encoding)
    {
        for (var i = 0; i < dataset.Count; i++)
        {
            ref var entry = ref dataset.EntryAt(i);
            if (dropGroupLengths && (entry.Tag & 0xFFFF) == 0 && entry.Tag >> 16 != 0x0002)
            {
                // Data set group lengths are retired and would be wrong after re-encoding or editing.
                continue;
            }

            WriteElement(dataset, ref entry, encoding);
        }
    }

    private void WriteElement(DicomDataset dataset, ref DicomElementEntry entry, Encoding encoding)
    {
        var vr = new DicomVR(entry.Vr);
        if (entry.Payload is DicomSequence sequence)
        {
            // An implicit sequence that arrived inside explicit UN is kept that way when nothing is converted.
            var keepUN = !converting && (entry.Flags & EntryFlags.SequenceFromUN) != 0;
            var inner = keepUN ? new Encoding(true, false) : encoding;
            var undefined = UsesUndefinedLength(ref entry, encoding);
            var length = undefined ? Undefined : checked((uint)MeasureSequence(sequence, inner));
            WriteHeader(entry.Tag, keepUN ? DicomVR.UN : DicomVR.SQ, length, encoding);
            for (var i = 0; i < sequence.Count; i++)
            {
                var item = sequence[i];
                var undefinedItem = sequence.IsUndefinedLengthItem(i);
                WriteTagAndLength(ItemTag, undefinedItem ? Undefined : checked((uint)MeasureDataset(item, inner)), inner.BigEndian);
                WriteDataset(item, inner);
                if (undefinedItem)
                {
                    WriteTagAndLength(ItemDelimitationTag, 0, inner.BigEndian);
                }
            }

            if (undefined)
            {
                WriteTagAndLength(SequenceDelimitationTag, 0, encoding.BigEndian);
            }

            return;
        }

        if (entry.Payload is DicomFragments fragments)
        {
            WriteHeader(entry.Tag, vr, Undefined, encoding);
            for (var i = 0; i < fragments.ItemCount; i++)
            {
                var fragment = fragments[i];
                WriteTagAndLength(ItemTag, fragment.Length, encoding.BigEndian);
                if (fragments.IsInMemory(i))
                {
                    var bytes = fragments.ReadItem(i);
                    sink.Write(bytes);
                }
                else
                {
                    sink.CopyFromSource(dataset, fragment.ValueOffset, fragment.Length, swapUnit: 1);
                }
            }

            WriteTagAndLength(SequenceDelimitationTag, 0, encoding.BigEndian);
            return;
        }

        if ((entry.Flags & EntryFlags.Skipped) != 0)
        {
            throw new InvalidOperationException($"{new DicomTag(entry.Tag)}: the value was skipped while reading and cannot be written.");
        }

        var outVR = vr;
        if (!encoding.Implicit && !vr.HasLongLength && entry.Length > 0xFFFF)
        {
            // Too long for a 16-bit length field (possible after reading implicit VR): UN is the only way to write it.
            outVR = DicomVR.UN;
        }

        WriteHeader(entry.Tag, outVR, entry.Length, encoding);
        var swap = dataset.IsBigEndian != encoding.BigEndian ? vr.SwapUnit : 1;
        if ((entry.Flags & EntryFlags.Lazy) != 0)
        {
            sink.CopyFromSource(dataset, entry.ValueOffset, entry.Length, swap);
        }
        else
        {
            sink.WriteSwapped(dataset.InMemoryValue(in entry), swap);
        }
    }

    /// <summary>
    /// Undefined length as read; and when converting to implicit VR, also for every sequence the dictionary does not
    /// know as SQ (private ones): with a defined length a reader of implicit VR could not tell it is a sequence.
    /// </summary>
    private bool UsesUndefinedLength(ref DicomElementEntry entry, Encoding encoding) =>
        entry.IsUndefinedLength || (converting && encoding.Implicit && DicomDictionary.GetVR(new DicomTag(entry.Tag)) != DicomVR.SQ);

    private void WriteHeader(uint tag, DicomVR vr, uint length, Encoding encoding)
    {
        if (encoding.Implicit)
        {
            WriteTagAndLength(tag, length, encoding.BigEndian);
            return;
        }

        if (vr.HasLongLength)
        {
            var span = sink.GetSpan(12);
            ByteOrder.WriteTag(span, tag, encoding.BigEndian);
            span[4] = (byte)(vr.Code & 0xFF);
            span[5] = (byte)(vr.Code >> 8);
            span[6] = 0;
            span[7] = 0;
            ByteOrder.WriteU32(span[8..], length, encoding.BigEndian);
            sink.Advance(12);
        }
        else
        {
            var span = sink.GetSpan(8);
            ByteOrder.WriteTag(span, tag, encoding.BigEndian);
            span[4] = (byte)(vr.Code & 0xFF);
            span[5] = (byte)(vr.Code >> 8);
            ByteOrder.WriteU16(span[6..], (ushort)length, encoding.BigEndian);
            sink.Advance(8);
        }
    }

    private void WriteTagAndLength(uint tag, uint length, bool bigEndian)
    {
        var span = sink.GetSpan(8);
        ByteOrder.WriteTag(span, tag, bigEndian);
        ByteOrder.WriteU32(span[4..], length, bigEndian);
        sink.Advance(8);
    }

    private long MeasureDataset(DicomDataset dataset, Encoding encoding)
    {
        long total = 0;
        for (var i = 0; i < dataset.Count; i++)
        {
            ref var entry = ref dataset.EntryAt(i);
            if (dropGroupLengths && (entry.Tag & 0xFFFF) == 0 && entry.Tag >> 16 != 0x0002)
            {
                continue;
            }

            total += MeasureElement(ref entry, encoding);
        }

        return total;
    }

    private long MeasureElement(ref DicomElementEntry entry, Encoding encoding)
    {
        var vr = new DicomVR(entry.Vr);
        if (entry.Payload is DicomSequence sequence)
        {
            var keepUN = !converting && (entry.Flags & EntryFlags.SequenceFromUN) != 0;
            var inner = keepUN ? new Encoding(true, false) : encoding;
            var header = encoding.Implicit ? 8 : 12;
            return header + MeasureSequence(sequence, inner) + (UsesUndefinedLength(ref entry, encoding) ? 8 : 0);
        }

        if (entry.Payload is DicomFragments fragments)
        {
            long total = encoding.Implicit ? 8 : 12;
            for (var i = 0; i < fragments.ItemCount; i++)
            {
                total += 8 + fragments[i].Length;
            }

            return total + 8;
        }

        var outVR = !encoding.Implicit && !vr.HasLongLength && entry.Length > 0xFFFF ? DicomVR.UN : vr;
        var headerLength = encoding.Implicit ? 8 : outVR.HasLongLength ? 12 : 8;
        return headerLength + entry.Length;
    }

    private long MeasureSequence(DicomSequence sequence, Encoding inner)
    {
        long total = 0;
        for (var i = 0; i < sequence.Count; i++)
        {
            total += 8 + MeasureDataset(sequence[i], inner) + (sequence.IsUndefinedLengthItem(i) ? 8 : 0);
        }

        return total;
    }
}
