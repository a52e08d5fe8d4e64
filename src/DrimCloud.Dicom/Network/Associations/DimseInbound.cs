namespace DrimCloud.Dicom.Network;

/// <summary>
/// Assembles DIMSE messages from PDVs (PS3.7 section 6.3, PS3.8 Annex E): command fragments are gathered (a
/// command set is small), then the dataset, if announced, is left on the wire for the consumer to stream through
/// an <see cref="IncomingDataSetStream"/>. Checks the framing rules: all fragments on one accepted presentation
/// context, command before data, nothing but P-DATA inside a message.
/// </summary>
internal sealed class DimseInbound(DicomConnection connection, Func<byte, AcceptedPresentationContext?> findContext)
{
    private IncomingDataSetStream? _pendingDataSet;

    internal DicomConnection Connection => connection;

    /// <summary>
    /// Reads the next message or release PDU. Throws <see cref="DicomAssociationAbortedException"/> when the peer
    /// aborts and <see cref="DicomProtocolException"/> when it breaks the protocol (the caller then aborts).
    /// </summary>
    public async ValueTask<InboundEvent> ReadAsync(CancellationToken cancellationToken)
    {
        if (_pendingDataSet is { IsComplete: false } unread)
            await unread.DrainAsync(cancellationToken);
        _pendingDataSet = null;

        var reader = connection.Reader;
        reader.AtMessageBoundary = true;
        var command = new byte[256];
        var commandLength = 0;
        AcceptedPresentationContext? context = null;
        while (true)
        {
            var unit = await reader.ReadNextAsync(cancellationToken);
            if (!unit.IsPdv)
            {
                if (context is not null && unit.Type != PduType.Abort)
                    throw new DicomProtocolException(AbortReason.UnexpectedPdu, $"{unit.Type} PDU in the middle of a DIMSE command.");
                return ControlEvent(unit);
            }

            reader.AtMessageBoundary = false;
            if (!unit.IsCommand)
                throw new DicomProtocolException(AbortReason.UnexpectedPduParameter, "Data PDV received where a DIMSE command was expected.");
            context = CheckContext(unit.PresentationContextId, context);
            if (commandLength + unit.DataLength > CommandSetCodec.MaxCommandSetLength)
                throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, $"DIMSE command set larger than {CommandSetCodec.MaxCommandSetLength} bytes.");
            if (commandLength + unit.DataLength > command.Length)
                Array.Resize(ref command, Math.Max(command.Length * 2, commandLength + unit.DataLength));
            while (reader.PdvRemaining > 0)
                commandLength += await reader.ReadPdvDataAsync(command.AsMemory(commandLength), cancellationToken);
            if (unit.IsLastFragment)
                break;
        }

        var decoded = CommandSetCodec.Decode(command.AsSpan(0, commandLength));
        if (decoded.HasDataSet)
            _pendingDataSet = new IncomingDataSetStream(this, context);
        else
            reader.AtMessageBoundary = true;
        return new InboundEvent(InboundEventKind.Message, decoded, context, _pendingDataSet);
    }

    internal AcceptedPresentationContext CheckContext(byte contextId, AcceptedPresentationContext? current)
    {
        if (current is not null)
        {
            if (current.Id != contextId)
                throw new DicomProtocolException(AbortReason.UnexpectedPduParameter, $"Message fragments on presentation contexts {current.Id} and {contextId}.");
            return current;
        }
        return findContext(contextId)
            ?? throw new DicomProtocolException(AbortReason.UnexpectedPduParameter, $"PDV on presentation context {contextId}, which was not accepted.");
    }

    /// <summary>Turns a control PDU received between messages into an event, or the exception it means.</summary>
    internal InboundEvent ControlEvent(InboundUnit unit)
    {
        switch (unit.Type)
        {
            case PduType.ReleaseRequest:
                return InboundEvent.Release(InboundEventKind.ReleaseRequest);
            case PduType.ReleaseResponse:
                return InboundEvent.Release(InboundEventKind.ReleaseResponse);
            case PduType.Abort:
                throw PeerAborted(unit.ControlBody!);
            default:
                throw new DicomProtocolException(AbortReason.UnexpectedPdu, $"Unexpected {unit.Type} PDU on an established association.");
        }
    }

    internal DicomAssociationAbortedException PeerAborted(byte[] body)
    {
        var (source, reason) = body.Length >= 4 ? AssociatePduCodec.DecodeAbort(body) : (AbortSource.ServiceProvider, AbortReason.NotSpecified);
        var description = source == AbortSource.ServiceProvider ? $"the peer's upper layer aborted ({reason})" : "the peer aborted the association";
        connection.RecordAbort(description);
        connection.Close();
        return new DicomAssociationAbortedException($"Association aborted: {description}.", source, reason);
    }
}
