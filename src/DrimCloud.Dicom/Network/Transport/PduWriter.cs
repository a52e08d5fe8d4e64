using System.Buffers.Binary;

namespace DrimCloud.Dicom.Network;

/// <summary>
/// Writes PDUs. DIMSE messages are fragmented into PDVs sized to the peer's maximum PDU length, one PDU per
/// write, built in one buffer: dataset bytes are read from their source straight into the PDU being built.
/// Two locks: one per message (the PDVs of two messages never interleave) and one per PDU (so an A-ABORT can be
/// slipped in between two PDUs of a long message).
/// </summary>
internal sealed class PduWriter
{
    /// <summary>What we send when the peer announces no limit (0), and the most we ever send.</summary>
    public const uint DefaultMaxSendPduLength = 256 * 1024;

    private const int PduHeaderLength = 6;
    private const int PdvHeaderLength = 6;
    private readonly Stream _stream;
    private readonly DicomConnection _connection;
    private readonly SemaphoreSlim _messageLock = new(1, 1);
    private readonly SemaphoreSlim _pduLock = new(1, 1);
    private byte[] _pdu = new byte[PduHeaderLength + 16384 + 1];
    private int _maxPdvData = 16384 - PdvHeaderLength;

    public PduWriter(Stream stream, DicomConnection connection)
    {
        _stream = stream;
        _connection = connection;
    }

    /// <summary>Bytes sent so far.</summary>
    public long BytesSent { get; private set; }

    /// <summary>Largest P-DATA-TF PDU this writer sends (variable field length).</summary>
    public int MaxPduLength => _maxPdvData + PdvHeaderLength;

    /// <summary>Sizes outgoing PDUs to what the peer accepts, within <paramref name="cap"/>.</summary>
    public void SetPeerMaxPduLength(uint peerMax, uint cap)
    {
        var effective = peerMax == 0 ? cap : Math.Min(peerMax, cap);
        effective = Math.Max(effective, 64u); // a peer announcing less than this cannot be served meaningfully
        // One spare byte: stream sources read one byte ahead to know whether a fragment is the last.
        _pdu = new byte[PduHeaderLength + effective + 1];
        // Fragments other than the last stay even, since DCMTK refuses odd ones (see WriteFromStreamAsync).
        _maxPdvData = ((int)effective - PdvHeaderLength) & ~1;
    }

    public async Task WriteControlPduAsync(byte[] pdu, CancellationToken cancellationToken)
    {
        await _pduLock.WaitAsync(cancellationToken);
        try
        {
            await WriteAsync(pdu, cancellationToken);
        }
        finally
        {
            _pduLock.Release();
        }
    }

    /// <summary>
    /// Sends a command and, when given, its dataset. An exception after the first PDU leaves a half-sent
    /// message on the wire: the caller must then abort the association.
    /// </summary>
    public async Task SendMessageAsync(byte contextId, DimseCommand command, OutgoingDataSet? dataSet, CancellationToken cancellationToken)
    {
        var commandBytes = CommandSetCodec.Encode(command);
        await _messageLock.WaitAsync(cancellationToken);
        try
        {
            await WriteFromMemoryAsync(contextId, commandBytes, isCommand: true, cancellationToken);
            if (dataSet is not null)
                await dataSet.WriteAsync(this, contextId, cancellationToken);
        }
        finally
        {
            _messageLock.Release();
        }
    }

    internal async Task WriteFromMemoryAsync(byte contextId, ReadOnlyMemory<byte> data, bool isCommand, CancellationToken cancellationToken)
    {
        var offset = 0;
        do
        {
            var count = Math.Min(_maxPdvData, data.Length - offset);
            data.Slice(offset, count).CopyTo(_pdu.AsMemory(PduHeaderLength + PdvHeaderLength));
            offset += count;
            await WritePdvAsync(contextId, count, isCommand, isLast: offset == data.Length, cancellationToken);
        }
        while (offset < data.Length);
    }

    /// <summary>
    /// Streams a dataset: exactly <paramref name="length"/> bytes when known (a shorter source is an error,
    /// since a truncated dataset must never be sent as complete), otherwise everything to the end of the stream.
    /// A dataset of odd length (legitimately only a deflated one: a deflate bit stream has any length) gets one
    /// trailing NUL so that every PDV is even: DCMTK aborts on an odd fragment, and a NUL after the end of a deflate
    /// stream is ignored by inflaters.
    /// </summary>
    internal async Task WriteFromStreamAsync(byte contextId, Stream source, long? length, CancellationToken cancellationToken)
    {
        if (length is { } odd && (odd & 1) == 1)
            source = new PaddedStream(source, odd);
        long? evenLength = length is { } known ? (known + 1) & ~1L : null;
        await WriteFragmentsFromStreamAsync(contextId, source, evenLength, cancellationToken);
    }

    private async Task WriteFragmentsFromStreamAsync(byte contextId, Stream source, long? length, CancellationToken cancellationToken)
    {
        const int dataStart = PduHeaderLength + PdvHeaderLength;
        var remaining = length ?? long.MaxValue;
        var carried = 0; // read-ahead byte kept from the previous round (unknown-length sources)
        while (true)
        {
            var want = (int)Math.Min(_maxPdvData + (length is null ? 1 : 0), remaining);
            var filled = carried;
            while (filled < want)
            {
                var read = await source.ReadAsync(_pdu.AsMemory(dataStart + filled, want - filled), cancellationToken);
                if (read == 0)
                    break;
                filled += read;
            }

            if (length is not null)
            {
                if (filled < want)
                    throw new EndOfStreamException($"The dataset source ended {remaining - filled} bytes before its announced length.");
                remaining -= filled;
                await WritePdvAsync(contextId, filled, isCommand: false, isLast: remaining == 0, cancellationToken);
                if (remaining == 0)
                    return;
                continue;
            }

            // Unknown length: more than a PDV's worth means another fragment follows; carry the extra byte over.
            if (filled > _maxPdvData)
            {
                var extra = _pdu[dataStart + _maxPdvData];
                await WritePdvAsync(contextId, _maxPdvData, isCommand: false, isLast: false, cancellationToken);
                _pdu[dataStart] = extra;
                carried = 1;
                continue;
            }
            if ((filled & 1) == 1)
                _pdu[dataStart + filled++] = 0; // the spare byte of the buffer takes the padding
            await WritePdvAsync(contextId, filled, isCommand: false, isLast: true, cancellationToken);
            return;
        }
    }

    /// <summary>A source of known odd length followed by one NUL byte.</summary>
    private sealed class PaddedStream(Stream inner, long innerLength) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => innerLength + 1;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.IsEmpty || _position > innerLength)
                return 0;
            if (_position == innerLength)
            {
                buffer.Span[0] = 0;
                _position++;
                return 1;
            }
            var read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, innerLength - _position)], cancellationToken);
            _position += read;
            return read;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private async Task WritePdvAsync(byte contextId, int dataLength, bool isCommand, bool isLast, CancellationToken cancellationToken)
    {
        var span = _pdu.AsSpan();
        span[0] = (byte)PduType.DataTransfer;
        span[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(span[2..], (uint)(PdvHeaderLength + dataLength));
        BinaryPrimitives.WriteUInt32BigEndian(span[6..], (uint)(dataLength + 2));
        span[10] = contextId;
        span[11] = (byte)((isCommand ? 1 : 0) | (isLast ? 2 : 0));
        await _pduLock.WaitAsync(cancellationToken);
        try
        {
            await WriteAsync(_pdu.AsMemory(0, PduHeaderLength + PdvHeaderLength + dataLength), cancellationToken);
        }
        finally
        {
            _pduLock.Release();
        }
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        _connection.Watchdog.ArmWrite(_connection.Timeouts.Dimse);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken);
        }
        catch (Exception e) when (DicomConnection.IsTransportFailure(e))
        {
            throw _connection.TranslateFailure(e, "writing to the peer");
        }
        finally
        {
            _connection.Watchdog.DisarmWrite();
        }
        BytesSent += bytes.Length;
    }

    /// <summary>Waits (bounded) for the PDU lock so an A-ABORT goes out between two PDUs; false if it could not.</summary>
    internal async Task<bool> TryWriteUrgentAsync(byte[] pdu, TimeSpan wait)
    {
        if (!await _pduLock.WaitAsync(wait))
            return false;
        try
        {
            using var timeout = new CancellationTokenSource(wait);
            await _stream.WriteAsync(pdu, timeout.Token);
            await _stream.FlushAsync(timeout.Token);
            return true;
        }
        catch (Exception e) when (DicomConnection.IsTransportFailure(e) || e is OperationCanceledException)
        {
            return false;
        }
        finally
        {
            _pduLock.Release();
        }
    }
}

/// <summary>A dataset to send after a command: bytes in memory or a stream.</summary>
internal abstract class OutgoingDataSet
{
    public abstract Task WriteAsync(PduWriter writer, byte contextId, CancellationToken cancellationToken);

    public static OutgoingDataSet FromMemory(ReadOnlyMemory<byte> data) => new MemoryDataSet(data);

    public static OutgoingDataSet FromStream(Stream stream, long? length) => new StreamDataSet(stream, length);

    private sealed class MemoryDataSet(ReadOnlyMemory<byte> data) : OutgoingDataSet
    {
        public override Task WriteAsync(PduWriter writer, byte contextId, CancellationToken cancellationToken) =>
            writer.WriteFromMemoryAsync(contextId, data, isCommand: false, cancellationToken);
    }

    private sealed class StreamDataSet(Stream stream, long? length) : OutgoingDataSet
    {
        public override Task WriteAsync(PduWriter writer, byte contextId, CancellationToken cancellationToken) =>
            writer.WriteFromStreamAsync(contextId, stream, length, cancellationToken);
    }
}
