using System.Buffers.Binary;

namespace DrimCloud.Dicom.Network;

/// <summary>
/// Reads upper layer PDUs from the connection through one pooled buffer. P-DATA-TF PDUs are not materialised:
/// the caller gets each PDV header and then pulls its data, so a dataset flows from the socket to its
/// destination without being assembled in memory. Every length is checked against what the PDU can hold and
/// against the maximum this side negotiated; violations are <see cref="DicomProtocolException"/>s.
/// </summary>
internal sealed class PduReader
{
    /// <summary>Bound for association control PDUs (A-ASSOCIATE-RQ with 128 contexts is ~100 KB at most).</summary>
    public const int MaxControlPduLength = 1024 * 1024;

    /// <summary>
    /// Under the large object heap threshold, and not pooled: an aborted association may leave a socket read
    /// pending on it, which must never land in an array already handed to someone else.
    /// </summary>
    private const int BufferSize = 64 * 1024;

    /// <summary>Large PDV data is read straight into the caller's memory instead of through the buffer.</summary>
    private const int DirectReadThreshold = 32 * 1024;

    private readonly Stream _stream;
    private readonly DicomConnection _connection;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _start;
    private int _end;
    private long _pduRemaining; // bytes of the current P-DATA-TF still to consume (PDV headers and data)
    private int _pdvRemaining; // data bytes of the current PDV still to consume

    public PduReader(Stream stream, DicomConnection connection)
    {
        _stream = stream;
        _connection = connection;
    }

    /// <summary>Largest P-DATA-TF variable field this side accepts (what it announced); 0 means no limit.</summary>
    public uint MaxDataPduLength { get; set; }

    /// <summary>
    /// True between DIMSE messages, where the idle/ARTIM timer applies; false inside a message, where the DIMSE
    /// timer does.
    /// </summary>
    public bool AtMessageBoundary { get; set; } = true;

    /// <summary>Bytes received so far (for statistics).</summary>
    public long BytesReceived { get; private set; }

    /// <summary>
    /// Reads the next PDV header, or the next control PDU whole. The data of the previous PDV must have been
    /// consumed.
    /// </summary>
    public async ValueTask<InboundUnit> ReadNextAsync(CancellationToken cancellationToken)
    {
        if (_pdvRemaining > 0)
            throw new InvalidOperationException("The previous PDV still has unread data.");
        if (_pduRemaining == 0)
        {
            await EnsureBufferedAsync(6, AtMessageBoundary, cancellationToken);
            var type = _buffer[_start];
            var length = BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(_start + 2));
            _start += 6;
            if (type == (byte)PduType.DataTransfer)
            {
                if (MaxDataPduLength != 0 && length > MaxDataPduLength)
                    throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, $"P-DATA-TF PDU of {length} bytes exceeds the negotiated maximum of {MaxDataPduLength}.");
                if (length < 6)
                    throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, $"P-DATA-TF PDU of {length} bytes cannot hold a PDV.");
                _pduRemaining = length;
            }
            else if (type is >= (byte)PduType.AssociateRequest and <= (byte)PduType.Abort)
            {
                if (length > MaxControlPduLength)
                    throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, $"{(PduType)type} PDU of {length} bytes is larger than {MaxControlPduLength}.");
                var body = new byte[length];
                await ReadExactlyAsync(body, cancellationToken);
                return InboundUnit.Control((PduType)type, body);
            }
            else
            {
                throw new DicomProtocolException(AbortReason.UnrecognizedPdu, $"Unrecognized PDU type 0x{type:X2}.");
            }
        }

        if (_pduRemaining < 6)
            throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, $"{_pduRemaining} stray bytes at the end of a P-DATA-TF PDU.");
        await EnsureBufferedAsync(6, atBoundary: false, cancellationToken);
        var itemLength = BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(_start));
        var contextId = _buffer[_start + 4];
        var header = _buffer[_start + 5];
        _start += 6;
        if (itemLength < 2 || itemLength + 4 > _pduRemaining)
            throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, $"PDV item length {itemLength} does not fit in the {_pduRemaining} bytes left in its PDU.");
        if ((header & 0xFC) != 0)
            throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, $"PDV message control header 0x{header:X2} has reserved bits set.");
        _pduRemaining -= itemLength + 4;
        _pdvRemaining = (int)(itemLength - 2);
        return InboundUnit.Pdv(contextId, header, _pdvRemaining);
    }

    /// <summary>Data bytes of the current PDV not yet read.</summary>
    public int PdvRemaining => _pdvRemaining;

    /// <summary>Reads up to <paramref name="destination"/>.Length bytes of the current PDV's data; 0 only when it is exhausted.</summary>
    public async ValueTask<int> ReadPdvDataAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        var wanted = Math.Min(destination.Length, _pdvRemaining);
        if (wanted == 0)
            return 0;
        var buffered = _end - _start;
        int count;
        if (buffered > 0)
        {
            count = Math.Min(wanted, buffered);
            _buffer.AsSpan(_start, count).CopyTo(destination.Span);
            _start += count;
        }
        else if (wanted >= DirectReadThreshold)
        {
            count = await ReadFromStreamAsync(destination[..wanted], atBoundary: false, cancellationToken);
        }
        else
        {
            await EnsureBufferedAsync(1, atBoundary: false, cancellationToken);
            count = Math.Min(wanted, _end - _start);
            _buffer.AsSpan(_start, count).CopyTo(destination.Span);
            _start += count;
        }
        _pdvRemaining -= count;
        return count;
    }

    /// <summary>Bytes of the current PDV available without waiting for the network.</summary>
    public int BufferedPdvBytes => Math.Min(_pdvRemaining, _end - _start);

    /// <summary>Discards the rest of the current PDV.</summary>
    public async ValueTask SkipPdvDataAsync(CancellationToken cancellationToken)
    {
        while (_pdvRemaining > 0)
        {
            if (_start == _end)
                await EnsureBufferedAsync(1, atBoundary: false, cancellationToken);
            var count = Math.Min(_pdvRemaining, _end - _start);
            _start += count;
            _pdvRemaining -= count;
        }
    }

    private async ValueTask ReadExactlyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        var done = 0;
        while (done < destination.Length)
        {
            if (_start == _end)
                await EnsureBufferedAsync(1, atBoundary: false, cancellationToken);
            var count = Math.Min(destination.Length - done, _end - _start);
            _buffer.AsMemory(_start, count).CopyTo(destination[done..]);
            _start += count;
            done += count;
        }
    }

    private async ValueTask EnsureBufferedAsync(int count, bool atBoundary, CancellationToken cancellationToken)
    {
        if (_end - _start >= count)
            return;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        while (_end < count)
        {
            // The first bytes of a PDU at a message boundary may take as long as the idle/ARTIM timer allows;
            // once a PDU has started, the rest is under the DIMSE timer.
            var read = await ReadFromStreamAsync(_buffer.AsMemory(_end), atBoundary && _end == 0, cancellationToken);
            _end += read;
        }
    }

    private async ValueTask<int> ReadFromStreamAsync(Memory<byte> destination, bool atBoundary, CancellationToken cancellationToken)
    {
        int read;
        _connection.ArmReadTimer(atBoundary);
        try
        {
            read = await _stream.ReadAsync(destination, cancellationToken);
        }
        catch (Exception e) when (DicomConnection.IsTransportFailure(e))
        {
            throw _connection.TranslateFailure(e, "reading from the peer");
        }
        finally
        {
            _connection.Watchdog.DisarmRead();
        }
        if (read == 0)
            throw _connection.TranslateFailure(null, "reading from the peer");
        BytesReceived += read;
        return read;
    }
}
