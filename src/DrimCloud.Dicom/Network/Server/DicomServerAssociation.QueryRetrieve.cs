namespace DrimCloud.Dicom.Network;

public sealed partial class DicomServerAssociation
{
    /// <summary>Identifiers are small; anything bigger is refused rather than buffered.</summary>
    private const int MaxIdentifierLength = 4 * 1024 * 1024;

    private async Task StartQueryRetrieveAsync(DimseCommand command, AcceptedPresentationContext context, IncomingDataSetStream? dataSet)
    {
        var identifierBytes = dataSet is null ? null : await dataSet.ReadAllAsync(MaxIdentifierLength, _lifetime.Token);
        var messageId = command.MessageId ?? 0;
        if (_options.QueryRetrieve is not { } handler || command.AffectedSopClassUid != context.AbstractSyntax || identifierBytes is null)
        {
            await SendAsync(context.Id, DimseCommand.ResponseTo(command, DimseStatus.SopClassNotSupported), null, _lifetime.Token);
            return;
        }

        DicomDataset identifier;
        try
        {
            identifier = DimseDataSets.Decode(identifierBytes, context.TransferSyntax);
        }
        catch (DicomFormatException e)
        {
            var refused = DimseCommand.ResponseTo(command, DimseStatus.IdentifierDoesNotMatchSopClass);
            refused.ErrorComment = Trim(e.Message);
            await SendAsync(context.Id, refused, null, _lifetime.Token);
            return;
        }

        var request = new DicomQueryRequest
        {
            Operation = command.Field,
            SopClassUid = context.AbstractSyntax,
            Identifier = identifier,
            Association = this,
            MessageId = messageId,
            Priority = command.Priority ?? DimsePriority.Medium,
            MoveDestination = command.MoveDestination,
        };
        var operation = new RunningOperation(CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token));
        if (!_operations.TryAdd(messageId, operation))
        {
            operation.Cancellation.Dispose();
            await SendAsync(context.Id, DimseCommand.ResponseTo(command, DimseStatus.DuplicateInvocation), null, _lifetime.Token);
            return;
        }
        operation.Task = Task.Run(async () =>
        {
            try
            {
                var final = command.Field switch
                {
                    CommandField.CFindRequest => await RunFindAsync(handler, request, command, context, operation.Cancellation.Token),
                    CommandField.CMoveRequest => await RunRetrieveAsync(handler, request, command, context, operation.Cancellation.Token),
                    _ => await RunRetrieveAsync(handler, request, command, context, operation.Cancellation.Token),
                };
                await SendAsync(context.Id, final.Command, final.DataSet is null ? null : OutgoingDataSet.FromMemory(final.DataSet), _lifetime.Token);
            }
            catch (Exception e) when (e is DicomNetworkException or OperationCanceledException)
            {
                Log.Write(DicomLogLevel.Information, $"{command.Field} #{messageId} from {Peer} stopped: {e.Message}");
            }
            finally
            {
                _operations.TryRemove(messageId, out _);
                operation.Cancellation.Dispose();
            }
        }, CancellationToken.None);
    }

    private async Task<(DimseCommand Command, byte[]? DataSet)> RunFindAsync(IDicomQueryRetrieveHandler handler, DicomQueryRequest request,
        DimseCommand command, AcceptedPresentationContext context, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var match in handler.FindAsync(request, cancellationToken).WithCancellation(cancellationToken))
            {
                var encoded = DimseDataSets.Encode(match, context.TransferSyntax);
                await SendAsync(context.Id, DimseCommand.ResponseTo(command, DimseStatus.Pending, hasDataSet: true), OutgoingDataSet.FromMemory(encoded), _lifetime.Token);
            }
            return (DimseCommand.ResponseTo(command, DimseStatus.Success), null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !_lifetime.IsCancellationRequested)
        {
            return (DimseCommand.ResponseTo(command, DimseStatus.Cancel), null);
        }
        catch (Exception e) when (e is not (DicomNetworkException or OperationCanceledException))
        {
            Log.Write(DicomLogLevel.Error, $"C-FIND handler failed for {Peer}.", e);
            var failed = DimseCommand.ResponseTo(command, DimseStatus.UnableToProcess);
            failed.ErrorComment = Trim(e.Message);
            return (failed, null);
        }
    }

    /// <summary>
    /// C-MOVE and C-GET: one C-STORE sub-operation per instance, a pending response with the counts after each,
    /// and a final status per PS3.4 C.4.2.1.5 / C.4.3.1.5 (warning B000 and the failed UIDs when any failed).
    /// </summary>
    private async Task<(DimseCommand Command, byte[]? DataSet)> RunRetrieveAsync(IDicomQueryRetrieveHandler handler, DicomQueryRequest request,
        DimseCommand command, AcceptedPresentationContext context, CancellationToken cancellationToken)
    {
        var isMove = command.Field == CommandField.CMoveRequest;
        DicomMoveDestination? destination = null;
        IReadOnlyList<DicomStoreItem> items;
        try
        {
            if (isMove)
            {
                destination = await handler.ResolveMoveDestinationAsync(command.MoveDestination ?? "", request, cancellationToken);
                if (destination is null)
                    return (DimseCommand.ResponseTo(command, DimseStatus.MoveDestinationUnknown), null);
            }
            items = await handler.RetrieveAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is not (DicomNetworkException or OperationCanceledException))
        {
            var failed = DimseCommand.ResponseTo(command, DimseStatus.UnableToProcess);
            failed.ErrorComment = Trim(e.Message);
            return (failed, null);
        }

        var counts = new SubOperationCounts(items.Count);
        await using var sender = isMove ? new MoveSubOperationSender(this, destination!, items) : null;
        foreach (var item in items)
        {
            if (cancellationToken.IsCancellationRequested)
                break;
            DicomStoreResult result;
            try
            {
                result = isMove
                    ? await sender!.StoreAsync(item, Request.CallingAeTitle, command.MessageId ?? 0, cancellationToken)
                    : await StoreOnThisAssociationAsync(item, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !_lifetime.IsCancellationRequested)
            {
                break;
            }
            counts.Add(result);
            if (counts.Remaining > 0)
                await SendAsync(context.Id, counts.Apply(DimseCommand.ResponseTo(command, DimseStatus.Pending)), null, _lifetime.Token);
        }

        var cancelled = cancellationToken.IsCancellationRequested && !_lifetime.IsCancellationRequested;
        var status = cancelled ? DimseStatus.Cancel
            : counts.Failed > 0 || counts.Warning > 0 ? DimseStatus.SubOperationsCompleteWithFailures
            : DimseStatus.Success;
        // The Failed SOP Instance UID List goes with a C-MOVE final response only: DCMTK's getscu does not read a
        // C-GET final response's identifier and then fails its release on the unread PDV.
        var withFailedList = isMove && counts.FailedUids.Count > 0;
        var response = counts.Apply(DimseCommand.ResponseTo(command, status, hasDataSet: withFailedList));
        if (!cancelled)
            response.NumberOfRemainingSuboperations = null; // only pending and cancel responses carry it
        if (sender?.ConnectFailure is { } connectFailure)
            response.ErrorComment = Trim(connectFailure);
        return (response, withFailedList ? FailedUidList(counts.FailedUids, context.TransferSyntax) : null);
    }

    /// <summary>C-GET sub-operation: a C-STORE to the requestor on this association, on a context where it accepted the SCP role.</summary>
    private async Task<DicomStoreResult> StoreOnThisAssociationAsync(DicomStoreItem item, CancellationToken cancellationToken)
    {
        var storageContext = FindContext(item.SopClassUid, item.TransferSyntaxUid);
        var role = Accept.UserInformation.RoleSelections.FirstOrDefault(r => r.SopClassUid == item.SopClassUid);
        if (storageContext is null || role is not { ScpRole: true })
            return DicomStoreResult.NotSent(item, "the requestor did not accept this SOP class and transfer syntax in the SCP role");

        var messageId = NextMessageId();
        var pending = new PendingRequest(messageId);
        _subOperations[messageId] = pending;
        try
        {
            var (stream, length) = await item.OpenAsync(cancellationToken);
            await using (stream)
            {
                await SendAsync(storageContext.Id, DimseCommand.StoreRequest(messageId, item.SopClassUid, item.SopInstanceUid),
                    OutgoingDataSet.FromStream(stream, length), _lifetime.Token);
            }
            // Once sent, a sub-operation is waited for even if a C-CANCEL arrives meanwhile: its response is due.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
            timeout.CancelAfter(_options.Timeouts.Dimse);
            var response = await pending.ReadFinalAsync(timeout.Token);
            return new DicomStoreResult(item, response.Status, response.Command.ErrorComment, Sent: true);
        }
        finally
        {
            _subOperations.TryRemove(messageId, out _);
        }
    }

    private static byte[] FailedUidList(List<string> failedUids, string transferSyntax)
    {
        var identifier = new DicomDataset();
        identifier.SetStrings(new DicomTag(0x0008, 0x0058), DicomVR.UI, failedUids);
        return DimseDataSets.Encode(identifier, transferSyntax);
    }

    private static string Trim(string message) => message.Length > 64 ? message[..64] : message;

    /// <summary>Counts of C-MOVE / C-GET sub-operations (PS3.7 section 9.1.3 and 9.1.4).</summary>
    private sealed class SubOperationCounts(int total)
    {
        public int Completed { get; private set; }
        public int Failed { get; private set; }
        public int Warning { get; private set; }
        public int Remaining => total - Completed - Failed - Warning;
        public List<string> FailedUids { get; } = [];

        public void Add(DicomStoreResult result)
        {
            if (!result.Sent || result.Status.IsFailure || result.Status.Category == DimseStatusCategory.Cancel)
            {
                Failed++;
                FailedUids.Add(result.Item.SopInstanceUid);
            }
            else if (result.Status.Category == DimseStatusCategory.Warning)
            {
                Warning++;
            }
            else
            {
                Completed++;
            }
        }

        public DimseCommand Apply(DimseCommand response)
        {
            response.NumberOfRemainingSuboperations = (ushort)Math.Min(Remaining, ushort.MaxValue);
            response.NumberOfCompletedSuboperations = (ushort)Math.Min(Completed, ushort.MaxValue);
            response.NumberOfFailedSuboperations = (ushort)Math.Min(Failed, ushort.MaxValue);
            response.NumberOfWarningSuboperations = (ushort)Math.Min(Warning, ushort.MaxValue);
            return response;
        }
    }
}
