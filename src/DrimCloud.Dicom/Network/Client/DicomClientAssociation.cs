using System.Collections.Concurrent;

namespace DrimCloud.Dicom.Network;

/// <summary>
/// The requestor's side of an established association (SCU): C-ECHO, C-STORE, C-FIND, C-MOVE, C-GET, release.
/// One background loop reads everything the peer sends and routes responses to the waiting requests by message
/// ID; requests may overlap up to the negotiated asynchronous operations window.
/// </summary>
public sealed partial class DicomClientAssociation : DicomAssociation
{
    /// <summary>Largest identifier or response dataset read into memory (C-FIND results are small).</summary>
    private const int MaxResponseDataSetLength = 64 * 1024 * 1024;

    private readonly DicomClientOptions _options;
    private readonly ConcurrentDictionary<ushort, PendingRequest> _pending = new();
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SemaphoreSlim _window = new(1, 1);
    private Task _receiveLoop = Task.CompletedTask;
    private int _nextMessageId;
    private Exception? _failure;

    internal DicomClientAssociation(DicomConnection connection, DicomClientOptions options)
        : base(connection)
    {
        _options = options;
    }

    /// <summary>The window actually negotiated (1/1 when the peer did not answer the proposal).</summary>
    public AsyncOperationsWindow AsyncOperations { get; private set; } = new(1, 1);

    /// <summary>The acceptor's answer to our user identity request, when it sent one.</summary>
    public byte[]? UserIdentityServerResponse => Accept.UserInformation.UserIdentityServerResponse;

    private protected override UserInformation PeerUserInformation => Accept.UserInformation;

    // ---------------------------------------------------------------- establishment

    internal async Task NegotiateAsync(AssociationProposal proposal, CancellationToken cancellationToken)
    {
        var userInformation = new UserInformation
        {
            MaxPduLength = _options.MaxPduLength,
            ImplementationClassUid = _options.ImplementationClassUid,
            ImplementationVersionName = _options.ImplementationVersionName,
            AsyncOperations = _options.AsyncOperations,
            UserIdentity = _options.UserIdentity,
        };
        userInformation.RoleSelections.AddRange(proposal.RoleSelections);
        Request = new AssociationRequest
        {
            CalledAeTitle = _options.CalledAeTitle,
            CallingAeTitle = _options.CallingAeTitle,
            PresentationContexts = [.. proposal.PresentationContexts],
            UserInformation = userInformation,
        };

        Connection.Reader.MaxDataPduLength = _options.MaxPduLength;
        Connection.BoundaryTimer = (DicomTimeoutKind.Artim, _options.Timeouts.Artim);
        await Connection.Writer.WriteControlPduAsync(AssociatePduCodec.EncodeRequest(Request), cancellationToken);
        State = AssociationState.AwaitingAssociateResponse;

        var unit = await Connection.Reader.ReadNextAsync(cancellationToken);
        switch (unit.Type)
        {
            case PduType.AssociateAccept:
                Accept = AssociatePduCodec.DecodeAccept(unit.ControlBody);
                ApplyAccept();
                break;
            case PduType.AssociateReject:
                var rejection = AssociatePduCodec.DecodeReject(unit.ControlBody);
                State = AssociationState.Closed;
                Connection.Close();
                throw new DicomAssociationRejectedException(rejection.Result, rejection.Source, rejection.Reason);
            case PduType.Abort:
                throw Inbound.PeerAborted(unit.ControlBody!);
            default:
                throw new DicomProtocolException(AbortReason.UnexpectedPdu, $"Expected A-ASSOCIATE-AC or -RJ, received {unit.Type}.");
        }

        State = AssociationState.Established;
        Connection.BoundaryTimer = (DicomTimeoutKind.Idle, _options.Timeouts.Idle);
        _receiveLoop = Task.Run(ReceiveLoopAsync, CancellationToken.None);
    }

    private void ApplyAccept()
    {
        var accepted = new List<AcceptedPresentationContext>();
        foreach (var answer in Accept.PresentationContexts)
        {
            var proposed = Request.PresentationContexts.FirstOrDefault(p => p.Id == answer.Id)
                ?? throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, $"A-ASSOCIATE-AC answers presentation context {answer.Id}, which was not proposed.");
            if (answer.Result != PresentationContextResult.Acceptance)
                continue;
            if (!proposed.TransferSyntaxes.Contains(answer.TransferSyntax))
                throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, $"A-ASSOCIATE-AC picked transfer syntax {answer.TransferSyntax} for context {answer.Id}, which was not proposed.");
            accepted.Add(new AcceptedPresentationContext(answer.Id, proposed.AbstractSyntax, answer.TransferSyntax));
        }
        SetAcceptedContexts(accepted);
        Connection.Writer.SetPeerMaxPduLength(Accept.UserInformation.MaxPduLength, _options.MaxSendPduLength);

        // The peer may lower our proposed window, never raise it; no answer means 1 (PS3.7 D.3.3.3).
        var invoked = Accept.UserInformation.AsyncOperations?.MaxOperationsInvoked ?? 1;
        if (_options.AsyncOperations is null)
            invoked = 1;
        else if (_options.AsyncOperations.MaxOperationsInvoked != 0 && (invoked == 0 || invoked > _options.AsyncOperations.MaxOperationsInvoked))
            invoked = _options.AsyncOperations.MaxOperationsInvoked;
        AsyncOperations = new AsyncOperationsWindow(invoked, Accept.UserInformation.AsyncOperations?.MaxOperationsPerformed ?? 1);
        var slots = invoked == 0 ? 64 : Math.Min((int)invoked, 64);
        _window = new SemaphoreSlim(slots, slots);
    }

    // ---------------------------------------------------------------- requests and responses

    private ushort NextMessageId()
    {
        while (true)
        {
            var id = (ushort)Interlocked.Increment(ref _nextMessageId);
            if (id != 0 && !_pending.ContainsKey(id))
                return id;
        }
    }

    private PendingRequest Register(ushort messageId)
    {
        if (_failure is { } failure)
            throw new DicomAssociationAbortedException($"The association is no longer usable: {failure.Message}", failure);
        if (State != AssociationState.Established)
            throw new InvalidOperationException($"The association is {State}, not established.");
        var pending = new PendingRequest(messageId);
        _pending[messageId] = pending;
        // Waiting for a response is DIMSE time, not idle time.
        Connection.BoundaryTimer = (DicomTimeoutKind.Dimse, _options.Timeouts.Dimse);
        Connection.Watchdog.RearmReadIfArmed(DicomTimeoutKind.Dimse, _options.Timeouts.Dimse);
        return pending;
    }

    private void Unregister(ushort messageId)
    {
        _pending.TryRemove(messageId, out _);
        if (_pending.IsEmpty)
            Connection.BoundaryTimer = (DicomTimeoutKind.Idle, _options.Timeouts.Idle);
    }

    /// <summary>Sends a request and returns its pending entry; the caller reads the responses and unregisters.</summary>
    private async Task<PendingRequest> SendRequestAsync(AcceptedPresentationContext context, DimseCommand command, OutgoingDataSet? dataSet, CancellationToken cancellationToken)
    {
        var pending = Register(command.MessageId!.Value);
        try
        {
            await SendAsync(context.Id, command, dataSet, cancellationToken);
            return pending;
        }
        catch
        {
            Unregister(pending.MessageId);
            throw;
        }
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (true)
            {
                var inbound = await Inbound.ReadAsync(CancellationToken.None);
                if (inbound.Kind == InboundEventKind.Message)
                {
                    await HandleMessageAsync(inbound);
                    continue;
                }
                if (await HandleReleasePduAsync(inbound.Kind))
                    return;
            }
        }
        catch (DicomProtocolException e)
        {
            _failure = e;
            await AbortCoreAsync(AbortSource.ServiceProvider, e.Reason, e.Message);
        }
        catch (Exception e)
        {
            _failure = e;
            Connection.Close();
            State = AssociationState.Closed;
        }
        finally
        {
            var error = _failure ?? new DicomAssociationAbortedException("The association was released before the response arrived.");
            foreach (var pending in _pending.Values)
                pending.Fail(error);
            _released.TrySetException(error);
        }
    }

    /// <summary>True when the association is over.</summary>
    private async Task<bool> HandleReleasePduAsync(InboundEventKind kind)
    {
        if (kind == InboundEventKind.ReleaseResponse)
        {
            if (State is not (AssociationState.AwaitingReleaseResponse or AssociationState.ReleaseCollision))
                throw new DicomProtocolException(AbortReason.UnexpectedPdu, "A-RELEASE-RP without a release request.");
            State = AssociationState.Closed;
            Connection.Close(); // the requestor closes the transport once released (PS3.8 AR-3)
            _released.TrySetResult();
            return true;
        }

        if (State == AssociationState.AwaitingReleaseResponse)
        {
            // Release collision, requestor side (PS3.8 AR-8/AR-9): answer, then keep waiting for the peer's RP.
            State = AssociationState.ReleaseCollision;
            await Connection.Writer.WriteControlPduAsync(AssociatePduCodec.EncodeReleaseResponse(), CancellationToken.None);
            return false;
        }

        // The acceptor asked to release: answer and let it close.
        State = AssociationState.AwaitingTransportClose;
        _failure = new DicomAssociationAbortedException("The peer released the association.");
        await Connection.Writer.WriteControlPduAsync(AssociatePduCodec.EncodeReleaseResponse(), CancellationToken.None);
        await Connection.CloseAfterPeerAsync();
        State = AssociationState.Closed;
        return true;
    }

    private async Task HandleMessageAsync(InboundEvent inbound)
    {
        var command = inbound.Command!;
        if (command.Field.IsResponse())
        {
            var dataSet = inbound.DataSet is { } stream ? await stream.ReadAllAsync(MaxResponseDataSetLength, CancellationToken.None) : null;
            if (_pending.TryGetValue(command.MessageIdBeingRespondedTo ?? 0, out var pending))
            {
                var response = new DimseResponse(command, dataSet, inbound.Context!);
                if (!response.Status.IsPending)
                    Unregister(pending.MessageId);
                pending.Deliver(response);
            }
            return; // a response to nothing we asked is ignored, as DCMTK does
        }

        if (command.Field == CommandField.CStoreRequest)
        {
            await HandleIncomingStoreAsync(command, inbound.Context!, inbound.DataSet);
            return;
        }

        if (inbound.DataSet is { } unwanted)
            await unwanted.DrainAsync(CancellationToken.None);
        if (command.Field == CommandField.CCancelRequest)
            return;
        var status = command.Field == CommandField.CEchoRequest ? DimseStatus.Success : DimseStatus.UnrecognizedOperation;
        var reply = command.Field == CommandField.CEchoRequest
            ? DimseCommand.ResponseTo(command, status)
            : new DimseCommand { Field = (CommandField)((ushort)command.Field | 0x8000), MessageIdBeingRespondedTo = command.MessageId, AffectedSopClassUid = command.AffectedSopClassUid, Status = status };
        await SendAsync(inbound.Context!.Id, reply, null, CancellationToken.None);
    }

    // ---------------------------------------------------------------- C-ECHO and C-STORE

    /// <summary>Sends a C-ECHO (Verification must have been proposed and accepted).</summary>
    public async Task<DimseStatus> EchoAsync(CancellationToken cancellationToken = default)
    {
        var context = FindContext(WellKnownUids.Verification)
            ?? throw new InvalidOperationException("Verification was not accepted on this association.");
        await _window.WaitAsync(cancellationToken);
        try
        {
            var pending = await SendRequestAsync(context, DimseCommand.EchoRequest(NextMessageId()), null, cancellationToken);
            return (await AwaitFinalAsync(pending, cancellationToken)).Status;
        }
        finally
        {
            _window.Release();
        }
    }

    /// <summary>
    /// Sends one instance by C-STORE on a context accepted for its SOP class and its own transfer syntax, so
    /// the bytes go out exactly as stored. Without such a context nothing is sent and the result says why.
    /// Several calls may run at once, up to the negotiated window.
    /// </summary>
    public Task<DicomStoreResult> StoreAsync(DicomStoreItem item, DimsePriority priority = DimsePriority.Medium, CancellationToken cancellationToken = default) =>
        StoreCoreAsync(item, priority, null, null, cancellationToken);

    /// <summary>C-STORE as a C-MOVE sub-operation, naming the AE and message that asked for the move.</summary>
    internal async Task<DicomStoreResult> StoreCoreAsync(DicomStoreItem item, DimsePriority priority, string? moveOriginatorAeTitle, ushort? moveOriginatorMessageId,
        CancellationToken cancellationToken)
    {
        var context = FindContext(item.SopClassUid, item.TransferSyntaxUid);
        if (context is null)
        {
            return DicomStoreResult.NotSent(item, $"no presentation context accepted for {item.SopClassUid} in transfer syntax {item.TransferSyntaxUid}");
        }

        await _window.WaitAsync(cancellationToken);
        try
        {
            var (stream, length) = await item.OpenAsync(cancellationToken);
            PendingRequest pending;
            await using (stream)
            {
                var command = DimseCommand.StoreRequest(NextMessageId(), item.SopClassUid, item.SopInstanceUid, priority, moveOriginatorAeTitle, moveOriginatorMessageId);
                pending = await SendRequestAsync(context, command, OutgoingDataSet.FromStream(stream, length), cancellationToken);
            }
            var response = await AwaitFinalAsync(pending, cancellationToken);
            return new DicomStoreResult(item, response.Status, response.Command.ErrorComment, Sent: true);
        }
        finally
        {
            _window.Release();
        }
    }

    /// <summary>
    /// Waits for the final response. C-STORE and C-ECHO cannot be cancelled in DIMSE, so giving up on one
    /// aborts the association (a late response would otherwise be attributed to nothing).
    /// </summary>
    private async Task<DimseResponse> AwaitFinalAsync(PendingRequest pending, CancellationToken cancellationToken)
    {
        try
        {
            return await pending.ReadFinalAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Unregister(pending.MessageId);
            await AbortAsync();
            throw;
        }
    }

    // ---------------------------------------------------------------- release

    /// <summary>Releases the association once outstanding requests are answered (A-RELEASE-RQ, then RP).</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken = default)
    {
        if (State != AssociationState.Established)
            return;
        // Outstanding operations must finish before release (PS3.7 section 10.1.1.1).
        while (!_pending.IsEmpty && _failure is null)
            await Task.Delay(10, cancellationToken);
        if (State != AssociationState.Established)
            return;
        State = AssociationState.AwaitingReleaseResponse;
        Connection.BoundaryTimer = (DicomTimeoutKind.Artim, _options.Timeouts.Artim);
        Connection.Watchdog.RearmReadIfArmed(DicomTimeoutKind.Artim, _options.Timeouts.Artim);
        await Connection.Writer.WriteControlPduAsync(AssociatePduCodec.EncodeReleaseRequest(), cancellationToken);
        await _released.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Releases when possible, aborts otherwise; always closes the connection.</summary>
    public override async ValueTask DisposeAsync()
    {
        try
        {
            if (State == AssociationState.Established && _failure is null)
                await ReleaseAsync();
        }
        catch (Exception e) when (e is DicomNetworkException or OperationCanceledException)
        {
            await AbortCoreAsync(AbortSource.ServiceUser, AbortReason.NotSpecified, "release failed");
        }
        finally
        {
            Connection.Close();
            State = AssociationState.Closed;
            try
            {
                await _receiveLoop;
            }
            catch (Exception e) when (e is DicomNetworkException or OperationCanceledException)
            {
                // The loop records its failures; nothing is left to report at disposal.
            }
            await Connection.DisposeAsync();
        }
    }
}
