using System.Buffers.Binary;

namespace DrimCloud.Dicom;

/// <summary>The data set body: elements, sequences, items and encapsulated pixel data fragments (PS3.5 §7).</summary>
internal sealed partial class DicomParser
{
    private const uint ItemTag = 0xFFFEE000;
    private const uint ItemDelimitationTag = 0xFFFEE00D;
    private const uint SequenceDelimitationTag = 0xFFFEE0DD;
    private const uint Undefined = 0xFFFFFFFF;

    private Need StepBody()
    {
        while (_phase == Phase.Body)
        {
            ref var frame = ref _frames[_depth - 1];
            if (frame.End >= 0 && _offset >= frame.End)
            {
                if (_offset > frame.End)
                {
                    throw new DicomFormatException(frame.End, frame.Kind == FrameKind.Sequence
                        ? "an item runs past the end of its sequence's length"
                        : "an element runs past the end of its item's length");
                }

                Pop();
                continue;
            }

            var need = frame.Kind switch
            {
                FrameKind.Dataset => StepElement(ref frame),
                FrameKind.Sequence => StepItem(ref frame),
                _ => StepFragment(ref frame),
            };
            if (need != Need.Nothing)
            {
                return need;
            }
        }

        return Need.Nothing;
    }

    /// <summary>Reads an item or sequence delimiter header (8 bytes). Returns false when more data is needed.</summary>
    private bool TryReadItemHeader(in Frame frame, string context, out uint tag, out uint length)
    {
        tag = length = 0;
        if (Available < 8)
        {
            if (!_eof)
            {
                _need = 8;
                return false;
            }

            throw Truncated(context);
        }

        var span = _buffer.Data.AsSpan(_pos, 8);
        tag = ByteOrder.Tag(span, frame.BigEndian);
        length = ByteOrder.U32(span[4..], frame.BigEndian);
        return true;
    }

    private Need StepItem(ref Frame frame)
    {
        if (!TryReadItemHeader(frame, "inside a sequence", out var tag, out var length))
        {
            return Need.Data;
        }

        if (tag == SequenceDelimitationTag)
        {
            Advance(8);
            Pop();
            return Need.Nothing;
        }

        if (tag != ItemTag)
        {
            throw new DicomFormatException(_offset, $"expected an item tag (FFFE,E000) in a sequence, found {new DicomTag(tag)}");
        }

        var itemStart = _offset;
        Advance(8);
        if (length != Undefined && _seekable && itemStart + 8 + length > _sourceLength)
        {
            throw new DicomFormatException(itemStart + 4, $"item length {length} runs past the end of the data");
        }

        var item = new DicomDataset(frame.Dataset, frame.BigEndian, capacity: 16);
        frame.Sequence!.AddParsed(item, length == Undefined);
        var itemFrame = new Frame
        {
            Kind = FrameKind.Dataset,
            Dataset = item,
            End = length == Undefined ? -1 : itemStart + 8 + length,
            Implicit = frame.Implicit,
            BigEndian = frame.BigEndian,
        };
        Push(itemFrame);
        return Need.Nothing;
    }

    private Need StepFragment(ref Frame frame)
    {
        if (!TryReadItemHeader(frame, "inside encapsulated pixel data", out var tag, out var length))
        {
            return Need.Data;
        }

        if (tag == SequenceDelimitationTag)
        {
            Advance(8);
            Pop();
            return Need.Nothing;
        }

        if (tag != ItemTag || length == Undefined)
        {
            throw new DicomFormatException(_offset, $"expected a fragment item in encapsulated pixel data, found {new DicomTag(tag)} with length 0x{length:X8}");
        }

        var start = _offset;
        var placement = PlaceValue(8, length, FragmentTag);
        if (placement == Placement.NeedData)
        {
            return Need.Data;
        }

        frame.Fragments!.AddParsed(start, start + 8, length, placement == Placement.InBuffer ? _placedBufferOffset : -1);
        return placement == Placement.Skip ? Need.Skip : Need.Nothing;
    }

    private Need StepElement(ref Frame frame)
    {
        var available = Available;
        if (available < 8)
        {
            if (!_eof)
            {
                return NeedData(8);
            }

            if (available == 0 && _depth == 1)
            {
                _phase = Phase.Done;
                return Need.Done;
            }

            throw Truncated(_depth == 1 ? "in an element header" : "inside a sequence item (missing delimiter?)");
        }

        var data = _buffer.Data;
        var span = data.AsSpan(_pos, available);
        var tag = ByteOrder.Tag(span, frame.BigEndian);

        if (_depth == 1 && BinaryPrimitives.ReadUInt64LittleEndian(span) == 0)
        {
            // Zero bytes after the last element: padding some writers leave at the end of a file. It is not an
            // element (group 0000 cannot appear in a data set); keep its extent so the file can be written back as it was.
            return StartTrailingPadding();
        }

        if (tag == ItemDelimitationTag)
        {
            if (_depth == 1 || frame.End >= 0)
            {
                throw new DicomFormatException(_offset, "item delimiter outside an undefined-length item");
            }

            Advance(8);
            Pop();
            return Need.Nothing;
        }

        if (_depth == 1 && _options.StopBeforeTag is { } stop && tag >= stop.Value)
        {
            Stopped = true;
            StopOffset = _offset;
            _phase = Phase.Done;
            return Need.Done;
        }

        if (tag >> 16 == 0xFFFE)
        {
            throw new DicomFormatException(_offset, $"unexpected {new DicomTag(tag)} where a data element should be");
        }

        ushort vrCode;
        int header;
        uint length;
        if (frame.Implicit)
        {
            length = ByteOrder.U32(span[4..], frame.BigEndian);
            header = 8;
            vrCode = DicomDictionary.GetVRs(new DicomTag(tag), out var alternative).Code;
            if (alternative == DicomVR.SS && vrCode == DicomVR.US.Code && IsSignedPixelData(frame.Dataset))
            {
                // "US or SS" attributes (smallest/largest pixel value, padding value…) follow Pixel Representation.
                vrCode = DicomVR.SS.Code;
            }
        }
        else
        {
            vrCode = BinaryPrimitives.ReadUInt16LittleEndian(span[4..]);
            if (!DicomVR.IsPlausible(vrCode))
            {
                throw new DicomFormatException(_offset + 4, $"invalid VR bytes 0x{vrCode & 0xFF:X2} 0x{vrCode >> 8:X2} in element {new DicomTag(tag)}");
            }

            if (new DicomVR(vrCode).HasLongLength)
            {
                if (available < 12)
                {
                    if (_eof)
                    {
                        throw Truncated("in an element header");
                    }

                    return NeedData(12);
                }

                header = 12;
                length = ByteOrder.U32(span[8..], frame.BigEndian);
            }
            else
            {
                header = 8;
                length = ByteOrder.U16(span[6..], frame.BigEndian);
            }
        }

        var vr = new DicomVR(vrCode);
        var undefined = length == Undefined;
        var start = _offset;
        var dataset = frame.Dataset;

        if (vr == DicomVR.SQ || (undefined && (vr == DicomVR.UN || (frame.Implicit && vr != DicomVR.OB && vr != DicomVR.OW))))
        {
            // A sequence. Explicit UN with undefined length holds an implicit VR little endian sequence (PS3.5 §6.2.2);
            // in implicit VR any undefined-length element that is not pixel data can only be a sequence.
            var fromUN = !frame.Implicit && vr == DicomVR.UN;
            if (!undefined && _seekable && start + header + length > _sourceLength)
            {
                throw new DicomFormatException(start + header - 4, $"sequence {new DicomTag(tag)} length {length} runs past the end of the data");
            }

            var sequence = new DicomSequence { Owner = dataset };
            ref var entry = ref dataset.AppendParsed(tag);
            entry.Vr = fromUN ? vrCode : DicomVR.SQ.Code;
            entry.Length = length;
            entry.Flags = (undefined ? EntryFlags.UndefinedLength : EntryFlags.None) | (fromUN ? EntryFlags.SequenceFromUN : EntryFlags.None);
            entry.StreamOffset = start;
            entry.ValueOffset = start + header;
            entry.BufferOffset = -1;
            entry.Payload = sequence;
            Advance(header);
            Push(new Frame
            {
                Kind = FrameKind.Sequence,
                Dataset = dataset,
                Sequence = sequence,
                End = undefined ? -1 : start + header + length,
                Implicit = frame.Implicit || fromUN,
                BigEndian = !fromUN && frame.BigEndian,
            });
            return Need.Nothing;
        }

        if (undefined)
        {
            if (vr != DicomVR.OB && vr != DicomVR.OW)
            {
                throw new DicomFormatException(start + header - 4, $"undefined length on element {new DicomTag(tag)} with VR {vr}, which cannot have one");
            }

            // Encapsulated pixel data: fragments follow as items until a sequence delimiter.
            var fragments = new DicomFragments(dataset);
            ref var entry = ref dataset.AppendParsed(tag);
            entry.Vr = vrCode;
            entry.Length = Undefined;
            entry.Flags = EntryFlags.UndefinedLength;
            entry.StreamOffset = start;
            entry.ValueOffset = start + header;
            entry.BufferOffset = -1;
            entry.Payload = fragments;
            Advance(header);
            Push(new Frame { Kind = FrameKind.Fragments, Dataset = dataset, Fragments = fragments, End = -1, Implicit = frame.Implicit, BigEndian = frame.BigEndian });
            return Need.Nothing;
        }

        var placement = PlaceValue(header, length, tag);
        if (placement == Placement.NeedData)
        {
            return Need.Data;
        }

        ref var row = ref dataset.AppendParsed(tag);
        row.Vr = vrCode;
        row.Length = length;
        row.StreamOffset = start;
        row.ValueOffset = start + header;
        row.BufferOffset = placement == Placement.InBuffer ? _placedBufferOffset : -1;
        row.Flags = placement switch
        {
            Placement.Lazy => EntryFlags.Lazy,
            Placement.Skip or Placement.Skipped => EntryFlags.Skipped,
            _ => EntryFlags.None,
        };
        return placement == Placement.Skip ? Need.Skip : Need.Nothing;
    }

    /// <summary>Pixel Representation (0028,0103) = 1 in the dataset or the nearest enclosing one that has it.</summary>
    private static bool IsSignedPixelData(DicomDataset dataset)
    {
        for (DicomDataset? d = dataset; d is not null; d = d.Parent)
        {
            if (d.TryGetInt64(new DicomTag(0x00280103), 0, out var representation))
            {
                return representation == 1;
            }
        }

        return false;
    }

    private enum Placement
    {
        NeedData,
        InBuffer,
        Lazy,

        /// <summary>Skipped, and more bytes must still be read past (see _pendingSkip).</summary>
        Skip,

        /// <summary>Skipped entirely within the bytes already buffered.</summary>
        Skipped,
    }

    private int _placedBufferOffset;

    /// <summary>
    /// Decides where a value of <paramref name="length"/> bytes after a <paramref name="header"/>-byte header goes,
    /// and consumes header and value from the input when it can. Never allocates from a length alone: an absurd
    /// length on a seekable source is rejected against the source size, and on a non-seekable one the buffer only
    /// grows as real bytes arrive.
    /// </summary>
    /// <summary>Stands for "a fragment" in error messages (fragments are items, not elements).</summary>
    private const uint FragmentTag = ItemTag;

    /// <summary>Error text for the thing being read; built only when there is an error.</summary>
    private static string Describe(uint tag) => tag == FragmentTag ? "a pixel data fragment" : $"element {new DicomTag(tag)}";

    private Placement PlaceValue(int header, uint length, uint tag)
    {
        var available = Available;
        var valueEnd = _offset + header + length;
        if (_seekable && valueEnd > _sourceLength)
        {
            throw new DicomFormatException(_offset + header - 4, $"{Describe(tag)} has length {length}, past the end of the data ({_sourceLength - _offset - header} bytes left)");
        }

        if (header + (long)length <= available)
        {
            _placedBufferOffset = _pos + header;
            Advance(header + (int)length);
            return Placement.InBuffer;
        }

        var large = length >= (uint)_options.LargeValueThreshold;
        if (large && _options.LargeValues == LargeValueMode.LeaveInSource && _seekable)
        {
            _buffer.Length = _pos;
            _stream.Position = _origin + valueEnd;
            _offset = valueEnd;
            _eof = false;
            return Placement.Lazy;
        }

        if (large && _options.LargeValues == LargeValueMode.Skip)
        {
            var buffered = available - header;
            _buffer.Length = _pos;
            _offset = valueEnd;
            _pendingSkip = length - buffered;
            if (_seekable)
            {
                _stream.Position = _origin + valueEnd;
                _pendingSkip = 0;
                return Placement.Skipped;
            }

            return Placement.Skip;
        }

        if (_eof)
        {
            throw new DicomFormatException(_offset + header - 4, $"{Describe(tag)} has length {length}, past the end of the data ({available - header} bytes left)");
        }

        if (header + (long)length > Array.MaxLength - 1024)
        {
            throw new DicomFormatException(_offset + header - 4, $"{Describe(tag)} has length {length}, too large to hold in memory; read it from a seekable source");
        }

        _need = header + (int)length;
        return Placement.NeedData;
    }
}
