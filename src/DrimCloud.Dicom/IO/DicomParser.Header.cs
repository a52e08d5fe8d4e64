using System.Buffers.Binary;

namespace DrimCloud.Dicom;

/// <summary>Preamble, "DICM" and file meta information (PS3.10 §7.1), and recognising files that have neither.</summary>
internal sealed partial class DicomParser
{
    private const int PreambleLength = 128;
    private const int MaxMetaValueLength = 64 * 1024;

    private Need StepPreamble()
    {
        if (Available < PreambleLength + 4 && !_eof)
        {
            return NeedData(PreambleLength + 4);
        }

        var data = _buffer.Data.AsSpan(_pos, Available);
        if (data.Length >= PreambleLength + 4 && data.Slice(PreambleLength, 4).SequenceEqual("DICM"u8))
        {
            HasPreamble = true;
            Advance(PreambleLength + 4);
            _phase = Phase.Meta;
            return Need.Nothing;
        }

        if (data.Length < 8)
        {
            throw new DicomFormatException(0, data.Length == 0 ? "empty file" : "not a DICOM file (too short)");
        }

        // No preamble: either a file meta group that starts at once, or a bare data set (PS3.10 files from old
        // software, DIMSE dumps). Only accept what is unambiguous: a small even group number at the start.
        var group = BinaryPrimitives.ReadUInt16LittleEndian(data);
        if (group == 0x0002)
        {
            _phase = Phase.Meta;
            return Need.Nothing;
        }

        var vr = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
        var explicitVR = DicomVR.IsPlausible(vr) && new DicomVR(vr).IsKnown;
        var bigGroup = BinaryPrimitives.ReadUInt16BigEndian(data);
        if ((group & 1) != 0 || group > 0x0028 || group == 0)
        {
            var hint = bigGroup is > 0 and <= 0x0028 && (bigGroup & 1) == 0 ? " (looks big-endian without file meta, which is not supported)" : string.Empty;
            throw new DicomFormatException(0, "not a DICOM file: no 'DICM' prefix and no recognisable data set" + hint);
        }

        if (!explicitVR)
        {
            var length = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            if (_seekable && length != 0xFFFFFFFF && length > _sourceLength)
            {
                throw new DicomFormatException(4, "not a DICOM file: no 'DICM' prefix and the first element's length is past the end");
            }
        }

        TransferSyntax = explicitVR ? DicomTransferSyntax.ExplicitVRLittleEndian : DicomTransferSyntax.ImplicitVRLittleEndian;
        Meta = new DicomDataset(null, false, _buffer, capacity: 4);
        DatasetOffset = _offset;
        _phase = Phase.DatasetStart;
        return Need.Nothing;
    }

    private Need StepMeta()
    {
        Meta ??= new DicomDataset(null, false, _buffer, capacity: 16);
        while (true)
        {
            if (Available < 8)
            {
                if (!_eof)
                {
                    return NeedData(8);
                }

                if (Available == 0 && Meta.Count > 0)
                {
                    return FinishMeta();
                }

                throw Truncated("in the file meta information");
            }

            var span = _buffer.Data.AsSpan(_pos, Available);
            var tag = ByteOrder.Tag(span, false);
            if (tag >> 16 != 0x0002)
            {
                return FinishMeta();
            }

            var vrCode = BinaryPrimitives.ReadUInt16LittleEndian(span[4..]);
            if (!DicomVR.IsPlausible(vrCode))
            {
                throw new DicomFormatException(_offset + 4, $"invalid VR in file meta element {new DicomTag(tag)}");
            }

            var vr = new DicomVR(vrCode);
            int header;
            uint length;
            if (vr.HasLongLength)
            {
                if (Available < 12)
                {
                    if (_eof)
                    {
                        throw Truncated("in the file meta information");
                    }

                    return NeedData(12);
                }

                header = 12;
                length = BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
            }
            else
            {
                header = 8;
                length = BinaryPrimitives.ReadUInt16LittleEndian(span[6..]);
            }

            if (length > MaxMetaValueLength)
            {
                throw new DicomFormatException(_offset + header - 4, $"file meta element {new DicomTag(tag)} has an absurd length ({length} bytes)");
            }

            if (Available < header + (int)length)
            {
                if (_eof)
                {
                    throw Truncated($"in file meta element {new DicomTag(tag)}");
                }

                return NeedData(header + (int)length);
            }

            ref var entry = ref Meta.AppendParsed(tag);
            entry.Vr = vrCode;
            entry.Length = length;
            entry.StreamOffset = _offset;
            entry.ValueOffset = _offset + header;
            entry.BufferOffset = _pos + header;
            Advance(header + (int)length);
        }
    }

    private Need FinishMeta()
    {
        var uid = Meta!.GetString(DicomTag.TransferSyntaxUid);
        if (string.IsNullOrEmpty(uid))
        {
            throw new DicomFormatException(_offset, "file meta information has no Transfer Syntax UID (0002,0010)");
        }

        uid = uid.Trim();
        if (DicomUid.Validate(uid) is { } problem)
        {
            // Usually a wrong length in the meta information that made the reader take other bytes for the UID.
            throw new DicomFormatException(Meta[DicomTag.TransferSyntaxUid].ValueOffset, $"Transfer Syntax UID (0002,0010) is not a valid UID ({problem})");
        }

        TransferSyntax = DicomTransferSyntax.FromUid(uid);
        DatasetOffset = _offset;
        if (TransferSyntax.IsDeflated)
        {
            SwitchToDeflate();
        }

        _phase = Phase.DatasetStart;
        return Need.Nothing;
    }

    private void Advance(int count)
    {
        _pos += count;
        _offset += count;
    }
}
