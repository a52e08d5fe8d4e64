using System.Collections.Concurrent;

namespace DrimCloud.Dicom.Network;

/// <summary>
/// The acceptor's side of one association, served by a <see cref="DicomListener"/>: negotiation, then a loop
/// that reads each message and answers it. C-ECHO and C-STORE are answered in the loop (a C-STORE dataset is
/// streamed to the storage handler as it arrives); C-FIND, C-MOVE and C-GET run as operations beside the loop,
/// so a C-CANCEL (or the C-STORE responses of a C-GET) can still be read while they work.
/// </summary>
public sealed partial class DicomServerAssociation : DicomAssociation
{
    private readonly DicomListenerOptions _options;
    private readonly ServerNegotiator _negotiator;
    private readonly CancellationTokenSource _lifetime;
    private readonly ConcurrentDictionary<ushort, RunningOperation> _operations = new();
    private readonly ConcurrentDictionary<ushort, PendingRequest> _subOperations = new();
    private int _nextMessageId;

    internal DicomServerAssociation(DicomConnection connection, DicomListenerOptions options, ServerNegotiator negotiator, CancellationToken stopping)
        : base(connection)
    {
        _options = options;
        _negotiator = negotiator;
        _lifetime = CancellationTokenSource.CreateLinkedTokenSource(stopping, connection.ClosedToken);
    }

    private protected override UserInformation PeerUserInformation => Request.UserInformation;

    /// <summary>The user identity the requestor presented, if any.</summary>
    public UserIdentityRequest? UserIdentity => Request.UserInformation.UserIdentity;

    private IDicomNetworkLog Log => _options.Log;

    private string Peer => $"{Request?.CallingAeTitle ?? "?"}@{RemoteEndPoint}";

    /// <summary>Serves the connection to its end. Never throws: every failure ends in a reject, abort or close.</summary>
    internal async Task RunAsync(Func<bool> tryAcquireSlot, Action releaseSlot)
    {
        var holdsSlot = false;
        try
        {
            var request = await ReceiveRequestAsync();
            if (request is null)
                return;
            Request = request;
            State = AssociationState.AwaitingLocalAssociateResponse;

            var context = new DicomAssociationRequestContext(request, RemoteEndPoint, IsTls, RemoteCertificate);
            var (rejection, identity) = await _negotiator.CheckAsync(context);
            if (rejection is null)
            {
                holdsSlot = tryAcquireSlot();
                if (!holdsSlot)
                    rejection = new AssociationRejection(RejectResult.Transient, RejectSource.ServiceProviderPresentation, RejectReason.LocalLimitExceeded);
            }
            if (rejection is not null)
            {
                await RejectAsync(rejection);
                return;
            }

            Accept = _negotiator.BuildAccept(request, identity, out var accepted);
            SetAcceptedContexts(accepted);
            Connection.Reader.MaxDataPduLength = _options.MaxPduLength;
            Connection.Writer.SetPeerMaxPduLength(request.UserInformation.MaxPduLength, _options.MaxSendPduLength);
            await Connection.Writer.WriteControlPduAsync(AssociatePduCodec.EncodeAccept(Accept), _lifetime.Token);
            State = AssociationState.Established;
            Connection.BoundaryTimer = (DicomTimeoutKind.Idle, _options.Timeouts.Idle);
            Log.Write(DicomLogLevel.Information, $"Association accepted from {Peer}: {accepted.Count} of {request.PresentationContexts.Count} presentation contexts.");

            await ServeAsync();
        }
        catch (DicomProtocolException e)
        {
            Log.Write(DicomLogLevel.Warning, $"Protocol error from {Peer}, aborting: {e.Message}");
            await AbortCoreAsync(AbortSource.ServiceProvider, e.Reason, e.Message);
        }
        catch (Exception e) when (e is DicomNetworkException or OperationCanceledException or IOException)
        {
            Log.Write(DicomLogLevel.Information, $"Association with {Peer} ended: {e.Message}");
            if (State != AssociationState.Closed && !Connection.IsClosed)
                await AbortCoreAsync(AbortSource.ServiceProvider, AbortReason.NotSpecified, e.Message);
        }
        catch (Exception e)
        {
            Log.Write(DicomLogLevel.Error, $"Unexpected failure serving {Peer}, aborting.", e);
            await AbortCoreAsync(AbortSource.ServiceProvider, AbortReason.NotSpecified, e.Message);
        }
        finally
        {
            await _lifetime.CancelAsync();
            await WaitForOperationsAsync();
            if (holdsSlot)
                releaseSlot();
            Connection.Close();
            State = AssociationState.Closed;
            await Connection.DisposeAsync();
            _lifetime.Dispose();
        }
    }

    /// <summary>Waits (ARTIM) for the A-ASSOCIATE-RQ; anything else is answered per PS3.8 state 2 and gives null.</summary>
    private async Task<AssociationRequest?> ReceiveRequestAsync()
    {
        Connection.BoundaryTimer = (DicomTimeoutKind.Artim, _options.Timeouts.Artim);
        var unit = await Connection.Reader.ReadNextAsync(_lifetime.Token);
        if (unit.Type == PduType.AssociateRequest)
            return AssociatePduCodec.DecodeRequest(unit.ControlBody);
        if (unit.Type == PduType.Abort)
        {
            Connection.Close();
            return null;
        }
        throw new DicomProtocolException(AbortReason.UnexpectedPdu, $"Expected A-ASSOCIATE-RQ, received {unit.Type}.");
    }

    private async Task RejectAsync(AssociationRejection rejection)
    {
        Log.Write(DicomLogLevel.Warning, $"Association from {Peer} to {Request.CalledAeTitle} rejected: {rejection}.");
        await Connection.Writer.WriteControlPduAsync(AssociatePduCodec.EncodeReject(rejection), _lifetime.Token);
        State = AssociationState.AwaitingTransportClose;
        await Connection.CloseAfterPeerAsync();
    }

    private async Task ServeAsync()
    {
        while (true)
        {
            var inbound = await Inbound.ReadAsync(_lifetime.Token);
            switch (inbound.Kind)
            {
                case InboundEventKind.Message:
                    await DispatchAsync(inbound);
                    break;
                case InboundEventKind.ReleaseRequest:
                    // Outstanding operations finish before the release is confirmed (PS3.8 state 8).
                    State = AssociationState.AwaitingLocalReleaseResponse;
                    await WaitForOperationsAsync();
                    await Connection.Writer.WriteControlPduAsync(AssociatePduCodec.EncodeReleaseResponse(), _lifetime.Token);
                    State = AssociationState.AwaitingTransportClose;
                    Connection.BoundaryTimer = (DicomTimeoutKind.Artim, _options.Timeouts.Artim);
                    await Connection.CloseAfterPeerAsync();
                    Log.Write(DicomLogLevel.Information, $"Association with {Peer} released.");
                    return;
                default:
                    throw new DicomProtocolException(AbortReason.UnexpectedPdu, "A-RELEASE-RP without a release request.");
            }
        }
    }

    private async Task DispatchAsync(InboundEvent inbound)
    {
        var command = inbound.Command!;
        var context = inbound.Context!;
        switch (command.Field)
        {
            case CommandField.CEchoRequest:
                await DrainAsync(inbound.DataSet);
                var echoStatus = context.AbstractSyntax == WellKnownUids.Verification ? DimseStatus.Success : DimseStatus.SopClassNotSupported;
                await SendAsync(context.Id, DimseCommand.ResponseTo(command, echoStatus), null, _lifetime.Token);
                break;
            case CommandField.CStoreRequest:
                await HandleStoreAsync(command, context, inbound.DataSet);
                break;
            case CommandField.CFindRequest or CommandField.CMoveRequest or CommandField.CGetRequest:
                await StartQueryRetrieveAsync(command, context, inbound.DataSet);
                break;
            case CommandField.CCancelRequest:
                await DrainAsync(inbound.DataSet);
                if (_operations.TryGetValue(command.MessageIdBeingRespondedTo ?? 0, out var operation))
                    await operation.Cancellation.CancelAsync();
                break;
            case CommandField.CStoreResponse:
                await DrainAsync(inbound.DataSet);
                if (_subOperations.TryRemove(command.MessageIdBeingRespondedTo ?? 0, out var pending))
                    pending.Deliver(new DimseResponse(command, null, context));
                break;
            default:
                await DrainAsync(inbound.DataSet);
                if (command.Field.IsRequest())
                {
                    var unrecognized = new DimseCommand
                    {
                        Field = (CommandField)((ushort)command.Field | 0x8000),
                        MessageIdBeingRespondedTo = command.MessageId,
                        AffectedSopClassUid = command.AffectedSopClassUid,
                        Status = DimseStatus.UnrecognizedOperation,
                    };
                    await SendAsync(context.Id, unrecognized, null, _lifetime.Token);
                }
                break;
        }
    }

    private async Task HandleStoreAsync(DimseCommand command, AcceptedPresentationContext context, IncomingDataSetStream? dataSet)
    {
        DimseOutcome outcome;
        if (dataSet is null)
        {
            outcome = new DimseOutcome(DimseStatus.CannotUnderstand, "C-STORE-RQ without a dataset");
        }
        else if (_options.Storage is not { } storage || command.AffectedSopClassUid != context.AbstractSyntax || command.AffectedSopInstanceUid is null)
        {
            await dataSet.DrainAsync(_lifetime.Token);
            outcome = new DimseOutcome(DimseStatus.SopClassNotSupported, "SOP class does not match the presentation context");
        }
        else
        {
            var request = new DicomStoreRequest
            {
                SopClassUid = command.AffectedSopClassUid,
                SopInstanceUid = command.AffectedSopInstanceUid,
                TransferSyntaxUid = context.TransferSyntax,
                Association = this,
                MessageId = command.MessageId ?? 0,
                Priority = command.Priority ?? DimsePriority.Medium,
                MoveOriginatorAeTitle = command.MoveOriginatorAeTitle,
                MoveOriginatorMessageId = command.MoveOriginatorMessageId,
            };
            outcome = await InvokeStorageAsync(storage, request, dataSet, _lifetime.Token);
        }
        var response = DimseCommand.ResponseTo(command, outcome.Status);
        response.ErrorComment = outcome.Status.IsSuccess ? null : outcome.TrimmedComment;
        await SendAsync(context.Id, response, null, _lifetime.Token);
    }

    /// <summary>
    /// Runs a storage handler on an incoming dataset. A broken association rethrows (no response can be sent and
    /// the handler has seen a failed read); a handler failure becomes a failure status.
    /// </summary>
    internal static async Task<DimseOutcome> InvokeStorageAsync(IDicomStorageHandler storage, DicomStoreRequest request, IncomingDataSetStream dataSet, CancellationToken cancellationToken)
    {
        DimseOutcome outcome;
        var connection = dataSet.Connection;
        connection.Watchdog.ArmHandler(connection.Timeouts.Dimse);
        try
        {
            outcome = await storage.StoreAsync(request, dataSet, cancellationToken);
        }
        catch (Exception e) when (dataSet.Fault is null && e is not OperationCanceledException)
        {
            outcome = new DimseOutcome(e is IOException or UnauthorizedAccessException ? DimseStatus.OutOfResources : DimseStatus.CannotUnderstand, e.Message);
        }
        finally
        {
            connection.Watchdog.DisarmHandler();
        }
        if (dataSet.Fault is { } fault)
            throw fault;
        if (!dataSet.IsComplete)
            await dataSet.DrainAsync(cancellationToken);
        return outcome;
    }

    private Task DrainAsync(IncomingDataSetStream? dataSet) => dataSet is null ? Task.CompletedTask : dataSet.DrainAsync(_lifetime.Token);

    private async Task WaitForOperationsAsync()
    {
        foreach (var operation in _operations.Values)
        {
            try
            {
                await operation.Task;
            }
            catch (Exception e) when (e is DicomNetworkException or OperationCanceledException)
            {
                // Reported by the operation itself.
            }
        }
    }

    private ushort NextMessageId() => (ushort)(Interlocked.Increment(ref _nextMessageId) % ushort.MaxValue + 1);

    public override ValueTask DisposeAsync()
    {
        Connection.Close();
        return ValueTask.CompletedTask;
    }

    private sealed record RunningOperation(CancellationTokenSource Cancellation)
    {
        public Task Task { get; set; } = Task.CompletedTask;
    }
}
