using System.Buffers.Binary;

namespace DrimCloud.Dicom;

/// <summary>One item of encapsulated pixel data as seen in the byte stream.</summary>
public readonly record struct PixelDataItem(long ValueOffset, uint Length, uint FirstBytes);

/// <summary>
/// Where the pixel data is in a Part 10 stream, found by <see cref="PixelDataScanner"/>: the value range of native
/// pixel data, or every item (Basic Offset Table first) of encapsulated pixel data, plus the Basic Offset Table bytes.
/// Offsets are absolute positions in the scanned stream.
/// </summary>
public sealed class PixelDataLayout
{
    public bool Found { get; internal set; }
    public bool IsEncapsulated { get; internal set; }

    /// <summary>Native pixel data: first value byte and length.</summary>
    public long ValueOffset { get; internal set; } = -1;
    public long ValueLength { get; internal set; }

    /// <summary>Encapsulated pixel data: item 0 is the Basic Offset Table, then the fragments.</summary>
    public List<PixelDataItem> Items { get; } = [];

    /// <summary>The Basic Offset Table's bytes (empty when the table is empty).</summary>
    public byte[] BasicOffsetTable { get; internal set; } = [];

    /// <summary>True when the stream ended before the pixel data did (a truncated file).</summary>
    public bool Truncated { get; internal set; }
}

/// <summary>
/// A push parser for the tail of a Part 10 stream, from the top-level element a header parse stopped in front of
/// (normally Pixel Data) to the end. It is fed the bytes as they stream past on their way to storage, so frame
/// positions are known without a second read and without keeping any pixel bytes.
/// </summary>
public sealed class PixelDataScanner
{
    private const uint PixelDataTag = 0x7FE00010;
    private const uint ItemTag = 0xFFFEE000;
    private const uint SequenceDelimiterTag = 0xFFFEE0DD;
    private const uint UndefinedLength = 0xFFFFFFFF;
    private const int MaxBasicOffsetTableBytes = 4 * 1024 * 1024;

    private readonly bool _explicitVr;
    private readonly bool _bigEndian;
    private readonly byte[] _header = new byte[12];
    private int _headerFill;
    private long _position;
    private long _skip;
    private State _state = State.Element;
    private long _itemValueOffset;
    private uint _itemLength;
    private int _firstBytesFill;
    private uint _firstBytes;
    private byte[]? _bot;
    private int _botFill;

    private enum State { Element, Item, ItemValue, Skip, Done }

    /// <param name="startOffset">Absolute offset of the first byte that will be fed (the element the header parse stopped at).</param>
    public PixelDataScanner(DicomTransferSyntax transferSyntax, long startOffset)
    {
        if (transferSyntax.IsDeflated)
            throw new ArgumentException("Deflated data sets cannot be scanned as a byte stream.", nameof(transferSyntax));
        _explicitVr = transferSyntax.IsExplicitVR;
        _bigEndian = transferSyntax.IsBigEndian;
        _position = startOffset;
    }

    public PixelDataLayout Layout { get; } = new();

    /// <summary>Feeds the next bytes of the stream (in order, without gaps).</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty && _state != State.Done)
        {
            switch (_state)
            {
                case State.Skip:
                case State.ItemValue:
                    data = ConsumeValue(data);
                    break;
                case State.Element:
                case State.Item:
                    data = ConsumeHeader(data);
                    break;
            }
        }
        _position += data.Length; // bytes after the scan finished
    }

    /// <summary>Call once the stream has ended: marks a truncated layout.</summary>
    public PixelDataLayout Complete()
    {
        if (Layout.Found && _state is State.Item or State.ItemValue) Layout.Truncated = true;
        if (Layout.Found && !Layout.IsEncapsulated && _state == State.Skip && _skip > 0) Layout.Truncated = true;
        return Layout;
    }

    private ReadOnlySpan<byte> ConsumeValue(ReadOnlySpan<byte> data)
    {
        var n = (int)Math.Min(_skip, data.Length);
        if (_state == State.ItemValue)
        {
            // Keep the first 4 bytes of each fragment (codec markers tell where frames start) and the whole BOT.
            for (var i = 0; i < n && _firstBytesFill < 4; i++, _firstBytesFill++)
                _firstBytes = (_firstBytes << 8) | data[i];
            if (_bot is not null)
            {
                var take = Math.Min(n, _bot.Length - _botFill);
                data[..take].CopyTo(_bot.AsSpan(_botFill));
                _botFill += take;
            }
        }
        _skip -= n;
        _position += n;
        if (_skip == 0) FinishValue();
        return data[n..];
    }

    private void FinishValue()
    {
        if (_state == State.ItemValue)
        {
            var first = _firstBytesFill == 4 ? _firstBytes : _firstBytes << (8 * (4 - _firstBytesFill));
            Layout.Items.Add(new PixelDataItem(_itemValueOffset, _itemLength, first));
            if (_bot is not null)
            {
                Layout.BasicOffsetTable = _bot;
                _bot = null;
            }
            _state = State.Item;
        }
        else
        {
            _state = State.Element;
        }
    }

    private ReadOnlySpan<byte> ConsumeHeader(ReadOnlySpan<byte> data)
    {
        // Items and implicit-VR elements have 8-byte headers; explicit-VR elements have 8, or 12 for the VRs with a
        // 4-byte length, which is known once the first 6 bytes (tag + VR) are in.
        var needed = _state == State.Element && _explicitVr ? (_headerFill < 6 ? 6 : HeaderLengthOfExplicitElement()) : 8;
        while (true)
        {
            var take = Math.Min(needed - _headerFill, data.Length);
            data[..take].CopyTo(_header.AsSpan(_headerFill));
            _headerFill += take;
            _position += take;
            data = data[take..];
            if (_headerFill < needed) return data;
            if (needed != 6) break;
            needed = HeaderLengthOfExplicitElement();
        }

        _headerFill = 0;
        var tag = ((uint)U16(0) << 16) | U16(2);
        if (_state == State.Item)
        {
            var length = U32(4);
            if (tag == SequenceDelimiterTag) { _state = State.Element; return data; }
            if (tag != ItemTag || length == UndefinedLength) { _state = State.Done; Layout.Truncated = true; return data; }
            _itemValueOffset = _position;
            _itemLength = length;
            _firstBytes = 0;
            _firstBytesFill = 0;
            if (Layout.Items.Count == 0 && length is > 0 and <= MaxBasicOffsetTableBytes) { _bot = new byte[length]; _botFill = 0; }
            _skip = length;
            _state = State.ItemValue;
            if (length == 0) FinishValue();
            return data;
        }

        uint valueLength;
        if (!_explicitVr || IsDelimiter()) valueLength = U32(4);
        else if (needed == 12) valueLength = U32(8);
        else valueLength = U16(6);

        if (tag == PixelDataTag && !Layout.Found)
        {
            Layout.Found = true;
            if (valueLength == UndefinedLength)
            {
                Layout.IsEncapsulated = true;
                _state = State.Item;
                return data;
            }
            Layout.ValueOffset = _position;
            Layout.ValueLength = valueLength;
        }
        if (valueLength == UndefinedLength)
        {
            // An undefined-length sequence after the pixel data (rare): nothing more we need from the stream.
            _state = State.Done;
            return data;
        }
        _skip = valueLength;
        _state = State.Skip;
        if (valueLength == 0) _state = State.Element;
        return data;
    }

    private bool IsDelimiter() => U16(0) == 0xFFFE;

    private int HeaderLengthOfExplicitElement() => !IsDelimiter() && HasLongLength(_header[4], _header[5]) ? 12 : 8;

    private static bool HasLongLength(byte a, byte b) =>
        (a, b) is ((byte)'O', (byte)'B') or ((byte)'O', (byte)'W') or ((byte)'O', (byte)'F') or ((byte)'O', (byte)'D')
            or ((byte)'O', (byte)'L') or ((byte)'O', (byte)'V') or ((byte)'S', (byte)'Q') or ((byte)'U', (byte)'T')
            or ((byte)'U', (byte)'N') or ((byte)'U', (byte)'C') or ((byte)'U', (byte)'R') or ((byte)'S', (byte)'V')
            or ((byte)'U', (byte)'V');

    private ushort U16(int at) => _bigEndian
        ? BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(at))
        : BinaryPrimitives.ReadUInt16LittleEndian(_header.AsSpan(at));

    private uint U32(int at) => _bigEndian
        ? BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(at))
        : BinaryPrimitives.ReadUInt32LittleEndian(_header.AsSpan(at));
}
