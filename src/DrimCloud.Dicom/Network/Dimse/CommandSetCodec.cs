using System.Buffers.Binary;
using System.Text;

namespace DrimCloud.Dicom.Network;

/// <summary>
/// Encodes and decodes DIMSE command sets. A command set is always Implicit VR Little Endian, group 0000 only,
/// led by its group length (PS3.7 section 6.3.1), so it gets a small dedicated codec instead of the general
/// dataset machinery: a handful of fixed elements, no dictionary look-up, one allocation per message.
/// </summary>
public static class CommandSetCodec
{
    private const uint GroupLength = 0x00000000;
    private const uint AffectedSopClassUid = 0x00000002;
    private const uint RequestedSopClassUid = 0x00000003;
    private const uint CommandFieldTag = 0x00000100;
    private const uint MessageId = 0x00000110;
    private const uint MessageIdBeingRespondedTo = 0x00000120;
    private const uint MoveDestination = 0x00000600;
    private const uint Priority = 0x00000700;
    private const uint CommandDataSetType = 0x00000800;
    private const uint Status = 0x00000900;
    private const uint OffendingElement = 0x00000901;
    private const uint ErrorComment = 0x00000902;
    private const uint ErrorId = 0x00000903;
    private const uint AffectedSopInstanceUid = 0x00001000;
    private const uint RequestedSopInstanceUid = 0x00001001;
    private const uint RemainingSuboperations = 0x00001020;
    private const uint CompletedSuboperations = 0x00001021;
    private const uint FailedSuboperations = 0x00001022;
    private const uint WarningSuboperations = 0x00001023;
    private const uint MoveOriginatorAeTitle = 0x00001030;
    private const uint MoveOriginatorMessageId = 0x00001031;

    /// <summary>Largest command set accepted; real ones are a few hundred bytes.</summary>
    public const int MaxCommandSetLength = 64 * 1024;

    public static byte[] Encode(DimseCommand command)
    {
        var elements = new List<(uint Tag, byte[] Value)>(16);
        AddUid(elements, AffectedSopClassUid, command.AffectedSopClassUid);
        AddUid(elements, RequestedSopClassUid, command.RequestedSopClassUid);
        AddUInt16(elements, CommandFieldTag, (ushort)command.Field);
        AddUInt16(elements, MessageId, command.MessageId);
        AddUInt16(elements, MessageIdBeingRespondedTo, command.MessageIdBeingRespondedTo);
        AddText(elements, MoveDestination, command.MoveDestination);
        AddUInt16(elements, Priority, (ushort?)command.Priority);
        AddUInt16(elements, CommandDataSetType, command.CommandDataSetType);
        AddUInt16(elements, Status, command.Status?.Code);
        if (command.OffendingElements is { } offending)
        {
            var value = new byte[offending.Length * 4];
            for (var i = 0; i < offending.Length; i++)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(i * 4), (ushort)(offending[i] >> 16));
                BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(i * 4 + 2), (ushort)offending[i]);
            }
            elements.Add((OffendingElement, value));
        }
        AddText(elements, ErrorComment, command.ErrorComment);
        AddUInt16(elements, ErrorId, command.ErrorId);
        AddUid(elements, AffectedSopInstanceUid, command.AffectedSopInstanceUid);
        AddUid(elements, RequestedSopInstanceUid, command.RequestedSopInstanceUid);
        AddUInt16(elements, RemainingSuboperations, command.NumberOfRemainingSuboperations);
        AddUInt16(elements, CompletedSuboperations, command.NumberOfCompletedSuboperations);
        AddUInt16(elements, FailedSuboperations, command.NumberOfFailedSuboperations);
        AddUInt16(elements, WarningSuboperations, command.NumberOfWarningSuboperations);
        AddText(elements, MoveOriginatorAeTitle, command.MoveOriginatorAeTitle);
        AddUInt16(elements, MoveOriginatorMessageId, command.MoveOriginatorMessageId);
        elements.AddRange(command.OtherElements.Where(e => e.Tag != GroupLength));
        elements.Sort((a, b) => a.Tag.CompareTo(b.Tag));

        var groupLength = elements.Sum(e => 8 + e.Value.Length);
        var buffer = new byte[12 + groupLength];
        var span = buffer.AsSpan();
        WriteHeader(span, GroupLength, 4);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], (uint)groupLength);
        var position = 12;
        foreach (var (tag, value) in elements)
        {
            WriteHeader(span[position..], tag, value.Length);
            value.CopyTo(span[(position + 8)..]);
            position += 8 + value.Length;
        }
        return buffer;
    }

    /// <summary>Decodes a command set; a malformed one is a <see cref="DicomProtocolException"/>.</summary>
    public static DimseCommand Decode(ReadOnlySpan<byte> data)
    {
        var command = new DimseCommand();
        var sawField = false;
        var sawDataSetType = false;
        var position = 0;
        while (position < data.Length)
        {
            if (data.Length - position < 8)
                throw Malformed($"element header cut short at offset {position}");
            var group = BinaryPrimitives.ReadUInt16LittleEndian(data[position..]);
            var element = BinaryPrimitives.ReadUInt16LittleEndian(data[(position + 2)..]);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(data[(position + 4)..]);
            position += 8;
            if (group != 0x0000)
                throw Malformed($"element ({group:X4},{element:X4}) outside group 0000");
            if (length > (uint)(data.Length - position))
                throw Malformed($"element (0000,{element:X4}) length {length} runs past the end of the command set");
            var value = data.Slice(position, (int)length);
            position += (int)length;

            var tag = (uint)element;
            switch (tag)
            {
                case GroupLength:
                    break; // informative only; the PDV framing already bounds the command set
                case AffectedSopClassUid: command.AffectedSopClassUid = ReadUid(value); break;
                case RequestedSopClassUid: command.RequestedSopClassUid = ReadUid(value); break;
                case CommandFieldTag:
                    command.Field = (CommandField)ReadUInt16(value, tag);
                    sawField = true;
                    break;
                case MessageId: command.MessageId = ReadUInt16(value, tag); break;
                case MessageIdBeingRespondedTo: command.MessageIdBeingRespondedTo = ReadUInt16(value, tag); break;
                case MoveDestination: command.MoveDestination = ReadText(value); break;
                case Priority: command.Priority = (DimsePriority)ReadUInt16(value, tag); break;
                case CommandDataSetType:
                    command.CommandDataSetType = ReadUInt16(value, tag);
                    sawDataSetType = true;
                    break;
                case Status: command.Status = new DimseStatus(ReadUInt16(value, tag)); break;
                case OffendingElement: command.OffendingElements = ReadTags(value); break;
                case ErrorComment: command.ErrorComment = ReadText(value); break;
                case ErrorId: command.ErrorId = ReadUInt16(value, tag); break;
                case AffectedSopInstanceUid: command.AffectedSopInstanceUid = ReadUid(value); break;
                case RequestedSopInstanceUid: command.RequestedSopInstanceUid = ReadUid(value); break;
                case RemainingSuboperations: command.NumberOfRemainingSuboperations = ReadUInt16(value, tag); break;
                case CompletedSuboperations: command.NumberOfCompletedSuboperations = ReadUInt16(value, tag); break;
                case FailedSuboperations: command.NumberOfFailedSuboperations = ReadUInt16(value, tag); break;
                case WarningSuboperations: command.NumberOfWarningSuboperations = ReadUInt16(value, tag); break;
                case MoveOriginatorAeTitle: command.MoveOriginatorAeTitle = ReadText(value); break;
                case MoveOriginatorMessageId: command.MoveOriginatorMessageId = ReadUInt16(value, tag); break;
                default: command.OtherElements.Add((tag, value.ToArray())); break;
            }
        }

        if (!sawField)
            throw Malformed("no Command Field (0000,0100)");
        if (!sawDataSetType)
            throw Malformed("no Command Data Set Type (0000,0800)");
        if (command.Field.IsRequest() && command.Field != CommandField.CCancelRequest && command.MessageId is null)
            throw Malformed($"{command.Field} without Message ID (0000,0110)");
        if ((command.Field.IsResponse() || command.Field == CommandField.CCancelRequest) && command.MessageIdBeingRespondedTo is null)
            throw Malformed($"{command.Field} without Message ID Being Responded To (0000,0120)");
        if (command.Field.IsResponse() && command.Status is null)
            throw Malformed($"{command.Field} without Status (0000,0900)");
        return command;
    }

    private static void WriteHeader(Span<byte> destination, uint tag, int length)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)(tag >> 16));
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], (ushort)tag);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], (uint)length);
    }

    private static void AddUid(List<(uint, byte[])> elements, uint tag, string? uid)
    {
        if (uid is null)
            return;
        // UI values are padded to even length with a NUL (PS3.5 section 6.2).
        var bytes = new byte[(uid.Length + 1) & ~1];
        Encoding.ASCII.GetBytes(uid, bytes);
        elements.Add((tag, bytes));
    }

    private static void AddText(List<(uint, byte[])> elements, uint tag, string? text)
    {
        if (text is null)
            return;
        // AE and LO values are padded with a space.
        var bytes = new byte[(text.Length + 1) & ~1];
        Encoding.ASCII.GetBytes(text, bytes);
        if (bytes.Length > text.Length)
            bytes[^1] = (byte)' ';
        elements.Add((tag, bytes));
    }

    private static void AddUInt16(List<(uint, byte[])> elements, uint tag, ushort? value)
    {
        if (value is not { } v)
            return;
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, v);
        elements.Add((tag, bytes));
    }

    private static ushort ReadUInt16(ReadOnlySpan<byte> value, uint tag)
    {
        if (value.Length != 2)
            throw Malformed($"US element (0000,{tag:X4}) has length {value.Length}, not 2");
        return BinaryPrimitives.ReadUInt16LittleEndian(value);
    }

    private static string ReadUid(ReadOnlySpan<byte> value) => Encoding.ASCII.GetString(value).TrimEnd('\0', ' ');

    private static string ReadText(ReadOnlySpan<byte> value) => Encoding.Latin1.GetString(value).Trim(' ', '\0');

    private static uint[] ReadTags(ReadOnlySpan<byte> value)
    {
        var tags = new uint[value.Length / 4];
        for (var i = 0; i < tags.Length; i++)
            tags[i] = (uint)BinaryPrimitives.ReadUInt16LittleEndian(value[(i * 4)..]) << 16 | BinaryPrimitives.ReadUInt16LittleEndian(value[(i * 4 + 2)..]);
        return tags;
    }

    private static DicomProtocolException Malformed(string what) =>
        new(AbortReason.InvalidPduParameterValue, $"Malformed DIMSE command set: {what}.");
}
