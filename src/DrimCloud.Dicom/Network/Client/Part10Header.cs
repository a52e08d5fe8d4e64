using System.Buffers.Binary;
using System.Text;

namespace DrimCloud.Dicom.Network;

/// <summary>
/// The few facts a Storage SCU needs from a Part 10 file, read from its file meta information alone: SOP class,
/// SOP instance, transfer syntax and where the dataset starts. Sending then streams the bytes after the meta
/// header unchanged, so nothing is decoded or re-encoded on the way.
/// </summary>
internal sealed record Part10Header(string SopClassUid, string SopInstanceUid, string TransferSyntaxUid, long DatasetOffset)
{
    private const int MaxMetaLength = 64 * 1024;

    /// <summary>Reads the header; null when the file has no Part 10 preamble and meta (caller decides what to do).</summary>
    /// <exception cref="InvalidDataException">The meta information is present but malformed or incomplete.</exception>
    public static Part10Header? TryRead(Stream stream)
    {
        var buffer = new byte[Math.Min(MaxMetaLength, stream.CanSeek ? (int)Math.Min(stream.Length, MaxMetaLength) : MaxMetaLength)];
        var length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var data = buffer.AsSpan(0, length);
        if (length < 132 || !data.Slice(128, 4).SequenceEqual("DICM"u8))
            return null;

        string? sopClass = null, sopInstance = null, transferSyntax = null;
        var position = 132;
        long? metaEnd = null;
        while (position + 8 <= length && (metaEnd is null || position < metaEnd))
        {
            var group = BinaryPrimitives.ReadUInt16LittleEndian(data[position..]);
            var element = BinaryPrimitives.ReadUInt16LittleEndian(data[(position + 2)..]);
            if (group != 0x0002)
                break;
            var vr = Encoding.ASCII.GetString(data.Slice(position + 4, 2));
            int valueLength, headerLength;
            if (vr is "OB" or "OW" or "OF" or "SQ" or "UT" or "UN" or "UC" or "UR" or "OD" or "OL" or "OV")
            {
                if (position + 12 > length)
                    throw new InvalidDataException("File meta information is cut short.");
                valueLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(data[(position + 8)..]));
                headerLength = 12;
            }
            else
            {
                valueLength = BinaryPrimitives.ReadUInt16LittleEndian(data[(position + 6)..]);
                headerLength = 8;
            }
            if (valueLength < 0 || position + headerLength + valueLength > length)
                throw new InvalidDataException($"File meta element (0002,{element:X4}) runs past the meta information.");
            var value = data.Slice(position + headerLength, valueLength);
            switch (element)
            {
                case 0x0000 when valueLength == 4:
                    metaEnd = position + headerLength + 4 + BinaryPrimitives.ReadUInt32LittleEndian(value);
                    break;
                case 0x0002:
                    sopClass = Text(value);
                    break;
                case 0x0003:
                    sopInstance = Text(value);
                    break;
                case 0x0010:
                    transferSyntax = Text(value);
                    break;
            }
            position += headerLength + valueLength;
        }

        if (string.IsNullOrEmpty(sopClass) || string.IsNullOrEmpty(sopInstance) || string.IsNullOrEmpty(transferSyntax))
            throw new InvalidDataException("File meta information lacks the Media Storage SOP Class/Instance UID or the Transfer Syntax UID.");
        return new Part10Header(sopClass, sopInstance, transferSyntax, metaEnd ?? position);
    }

    private static string Text(ReadOnlySpan<byte> value) => Encoding.ASCII.GetString(value).TrimEnd('\0', ' ');
}
