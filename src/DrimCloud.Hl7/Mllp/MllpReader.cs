namespace DrimCloud.Hl7.Mllp;

/// <summary>
/// Reads MLLP frames from a stream. Whitespace between frames is ignored; any other byte outside a frame, a frame
/// larger than the limit, or a connection closed mid-frame is an <see cref="MllpFramingException"/>.
/// </summary>
public sealed class MllpReader(Stream stream, int maxMessageBytes)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _offset;
    private int _count;

    /// <summary>The next message (without framing bytes), or null when the peer closed the connection between frames.</summary>
    public async ValueTask<byte[]?> ReadMessageAsync(CancellationToken cancellationToken)
    {
        // Outside a frame: skip whitespace up to the start block.
        while (true)
        {
            if (_count == 0 && !await FillAsync(cancellationToken)) return null;
            var b = _buffer[_offset];
            _offset++; _count--;
            if (b == MllpFraming.StartBlock) break;
            if (b is (byte)'\r' or (byte)'\n' or (byte)' ' or (byte)'\t') continue;
            throw new MllpFramingException($"Expected the MLLP start block 0x0B, got 0x{b:X2}.");
        }

        using var frame = new MemoryStream();
        while (true)
        {
            if (_count == 0 && !await FillAsync(cancellationToken))
                throw new MllpFramingException("The connection closed in the middle of an MLLP frame.", frame.ToArray());
            var span = _buffer.AsSpan(_offset, _count);
            var end = span.IndexOf(MllpFraming.EndBlock);
            var take = end < 0 ? span.Length : end;
            if (frame.Length + take > maxMessageBytes)
            {
                frame.Write(span[..(int)Math.Min(take, maxMessageBytes - frame.Length)]);
                throw new MllpFramingException($"The MLLP frame is larger than {maxMessageBytes} bytes.", frame.ToArray());
            }
            frame.Write(span[..take]);
            _offset += take; _count -= take;
            if (end < 0) continue;
            _offset++; _count--; // the end block
            if (_count == 0 && !await FillAsync(cancellationToken))
                throw new MllpFramingException("The connection closed before the carriage return that ends an MLLP frame.", frame.ToArray());
            if (_buffer[_offset] != MllpFraming.CarriageReturn)
                throw new MllpFramingException($"Expected a carriage return after the MLLP end block, got 0x{_buffer[_offset]:X2}.", frame.ToArray());
            _offset++; _count--;
            return frame.ToArray();
        }
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        _offset = 0;
        _count = await stream.ReadAsync(_buffer, cancellationToken);
        return _count > 0;
    }
}
