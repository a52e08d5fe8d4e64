namespace DrimCloud.Dicom.Network;

/// <summary>
/// The dataset of an incoming DIMSE message, read from the connection PDV by PDV as the caller reads. It ends
/// (Read returns 0) only after the PDV marked "last fragment"; if the association is aborted or breaks first,
/// Read throws, so a partial dataset can never pass for a complete one.
/// </summary>
internal sealed class IncomingDataSetStream : Stream
{
    private readonly DimseInbound _inbound;
    private readonly AcceptedPresentationContext _context;
    private long _position;
    private bool _lastFragmentStarted;

    internal IncomingDataSetStream(DimseInbound inbound, AcceptedPresentationContext context)
    {
        _inbound = inbound;
        _context = context;
    }

    internal DicomConnection Connection => _inbound.Connection;

    /// <summary>True once the last fragment has been read entirely.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>The error that broke the stream, if any (the association is then being aborted).</summary>
    public Exception? Fault { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException("The length of an incoming dataset is not known before its last fragment.");

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Fault is not null)
            throw Fault;
        if (IsComplete || buffer.IsEmpty)
            return 0;
        try
        {
            var read = await ReadCoreAsync(buffer, cancellationToken);
            var connection = _inbound.Connection;
            connection.Watchdog.ArmHandler(connection.Timeouts.Dimse); // the consumer is making progress
            return read;
        }
        catch (Exception e) when (e is DicomNetworkException or OperationCanceledException)
        {
            Fault = e;
            throw;
        }
    }

    private async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var reader = _inbound.Connection.Reader;
        var total = 0;
        while (total < buffer.Length)
        {
            if (reader.PdvRemaining > 0)
            {
                // Fill the caller's buffer across PDVs while data is already here; wait only for the first byte.
                if (total > 0 && reader.BufferedPdvBytes == 0)
                    break;
                total += await reader.ReadPdvDataAsync(buffer[total..], cancellationToken);
                continue;
            }
            if (_lastFragmentStarted)
            {
                IsComplete = true;
                reader.AtMessageBoundary = true;
                break;
            }
            if (total > 0)
                break;

            var unit = await reader.ReadNextAsync(cancellationToken);
            if (!unit.IsPdv)
            {
                if (unit.Type == PduType.Abort)
                    throw _inbound.PeerAborted(unit.ControlBody!);
                throw new DicomProtocolException(AbortReason.UnexpectedPdu, $"{unit.Type} PDU in the middle of a dataset.");
            }
            if (unit.IsCommand)
                throw new DicomProtocolException(AbortReason.UnexpectedPduParameter, "Command PDV in the middle of a dataset.");
            _inbound.CheckContext(unit.PresentationContextId, _context);
            _lastFragmentStarted = unit.IsLastFragment;
        }
        _position += total;
        return total;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <summary>Reads and discards the rest of the dataset (a handler that stopped reading early).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var scratch = new byte[16 * 1024];
        while (await ReadAsync(scratch, cancellationToken) > 0)
        {
        }
    }

    /// <summary>Reads the whole dataset into memory; for identifiers and query results, never for stored instances.</summary>
    public async Task<byte[]> ReadAllAsync(int maxBytes, CancellationToken cancellationToken)
    {
        using var memory = new MemoryStream();
        var scratch = new byte[16 * 1024];
        int read;
        while ((read = await ReadAsync(scratch, cancellationToken)) > 0)
        {
            if (memory.Length + read > maxBytes)
                throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, $"Dataset larger than the {maxBytes} bytes allowed for this message.");
            memory.Write(scratch, 0, read);
        }
        return memory.ToArray();
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
