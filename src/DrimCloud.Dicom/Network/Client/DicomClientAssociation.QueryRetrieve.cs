using System.Runtime.CompilerServices;

namespace DrimCloud.Dicom.Network;

public sealed partial class DicomClientAssociation
{
    private readonly SemaphoreSlim _getLock = new(1, 1);
    private IDicomStorageHandler? _getHandler;

    /// <summary>
    /// C-FIND: sends the identifier and yields each match as it arrives. Stopping early (breaking out of the
    /// loop or cancelling) sends a C-CANCEL and waits for the final response, so the association stays usable.
    /// A final failure status throws <see cref="DimseStatusException"/>.
    /// </summary>
    /// <param name="sopClassUid">The information model, e.g. <see cref="WellKnownUids.StudyRootFind"/>.</param>
    public async IAsyncEnumerable<DicomDataset> FindAsync(string sopClassUid, DicomDataset identifier, DimsePriority priority = DimsePriority.Medium,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var context = FindContext(sopClassUid) ?? throw new InvalidOperationException($"{sopClassUid} was not accepted on this association.");
        await _window.WaitAsync(cancellationToken);
        var finished = false;
        PendingRequest? pending = null;
        try
        {
            var command = DimseCommand.FindRequest(NextMessageId(), sopClassUid, priority);
            pending = await SendRequestAsync(context, command, OutgoingDataSet.FromMemory(DimseDataSets.Encode(identifier, context.TransferSyntax)), cancellationToken);
            await using var enumerator = pending.ReadAllAsync(CancellationToken.None).GetAsyncEnumerator(CancellationToken.None);
            using var cancelRegistration = cancellationToken.Register(() => _ = SendCancelAsync(context, pending.MessageId));
            while (await enumerator.MoveNextAsync())
            {
                var response = enumerator.Current;
                if (response.Status.IsPending)
                {
                    if (response.DataSet is { } match && !cancellationToken.IsCancellationRequested)
                        yield return DimseDataSets.Decode(match, context.TransferSyntax);
                    continue;
                }
                finished = true;
                cancellationToken.ThrowIfCancellationRequested();
                if (response.Status.IsFailure)
                    throw new DimseStatusException(response.Status, response.Command.ErrorComment, "C-FIND");
            }
        }
        finally
        {
            if (pending is not null && !finished)
                await CancelAndDrainAsync(context, pending);
            _window.Release();
        }
    }

    /// <summary>
    /// C-MOVE: asks the peer to send the selected instances to <paramref name="destinationAeTitle"/> (which the
    /// peer must know). Pending responses are reported to <paramref name="progress"/>; cancelling sends C-CANCEL.
    /// </summary>
    public async Task<DicomRetrieveResult> MoveAsync(string sopClassUid, string destinationAeTitle, DicomDataset identifier,
        IProgress<DicomRetrieveProgress>? progress = null, DimsePriority priority = DimsePriority.Medium, CancellationToken cancellationToken = default)
    {
        var context = FindContext(sopClassUid) ?? throw new InvalidOperationException($"{sopClassUid} was not accepted on this association.");
        var command = DimseCommand.MoveRequest(NextMessageId(), sopClassUid, destinationAeTitle, priority);
        return await RetrieveAsync(context, command, identifier, progress, cancellationToken);
    }

    /// <summary>
    /// C-GET: the peer sends the selected instances back on this association; each arrives as a C-STORE handed
    /// to <paramref name="storage"/> while it streams in. Propose the storage SOP classes expected with the SCP
    /// role (<see cref="AssociationProposal.AddRetrieveStorage"/>).
    /// </summary>
    public async Task<DicomRetrieveResult> GetAsync(string sopClassUid, DicomDataset identifier, IDicomStorageHandler storage,
        IProgress<DicomRetrieveProgress>? progress = null, DimsePriority priority = DimsePriority.Medium, CancellationToken cancellationToken = default)
    {
        var context = FindContext(sopClassUid) ?? throw new InvalidOperationException($"{sopClassUid} was not accepted on this association.");
        await _getLock.WaitAsync(cancellationToken);
        _getHandler = storage;
        try
        {
            var command = DimseCommand.GetRequest(NextMessageId(), sopClassUid, priority);
            return await RetrieveAsync(context, command, identifier, progress, cancellationToken);
        }
        finally
        {
            _getHandler = null;
            _getLock.Release();
        }
    }

    private async Task<DicomRetrieveResult> RetrieveAsync(AcceptedPresentationContext context, DimseCommand command, DicomDataset identifier,
        IProgress<DicomRetrieveProgress>? progress, CancellationToken cancellationToken)
    {
        await _window.WaitAsync(cancellationToken);
        try
        {
            var pending = await SendRequestAsync(context, command, OutgoingDataSet.FromMemory(DimseDataSets.Encode(identifier, context.TransferSyntax)), cancellationToken);
            using var cancelRegistration = cancellationToken.Register(() => _ = SendCancelAsync(context, pending.MessageId));
            await foreach (var response in pending.ReadAllAsync(CancellationToken.None))
            {
                var counts = response.Command;
                if (response.Status.IsPending)
                {
                    progress?.Report(new DicomRetrieveProgress(counts.NumberOfRemainingSuboperations ?? 0, counts.NumberOfCompletedSuboperations ?? 0,
                        counts.NumberOfFailedSuboperations ?? 0, counts.NumberOfWarningSuboperations ?? 0));
                    continue;
                }
                var failedUids = response.DataSet is { } failedList
                    ? DimseDataSets.Decode(failedList, context.TransferSyntax).GetStrings(new DicomTag(0x0008, 0x0058))
                    : [];
                return new DicomRetrieveResult(response.Status, counts.NumberOfCompletedSuboperations ?? 0, counts.NumberOfFailedSuboperations ?? 0,
                    counts.NumberOfWarningSuboperations ?? 0, failedUids, counts.ErrorComment);
            }
            throw new DicomAssociationAbortedException($"{command.Field} got no final response.");
        }
        finally
        {
            _window.Release();
        }
    }

    private async Task SendCancelAsync(AcceptedPresentationContext context, ushort messageId)
    {
        try
        {
            await SendAsync(context.Id, DimseCommand.CancelRequest(messageId), null, CancellationToken.None);
        }
        catch (DicomNetworkException)
        {
            // The association is gone; the pending request fails on its own.
        }
    }

    /// <summary>After a consumer stopped early: C-CANCEL, then read responses up to the final one (within the DIMSE timeout).</summary>
    private async Task CancelAndDrainAsync(AcceptedPresentationContext context, PendingRequest pending)
    {
        await SendCancelAsync(context, pending.MessageId);
        using var timeout = new CancellationTokenSource(_options.Timeouts.Dimse > TimeSpan.Zero ? _options.Timeouts.Dimse : TimeSpan.FromMinutes(2));
        try
        {
            await pending.ReadFinalAsync(timeout.Token);
        }
        catch (Exception e) when (e is DicomNetworkException or OperationCanceledException)
        {
            Unregister(pending.MessageId);
            await AbortAsync();
        }
    }

    /// <summary>A C-STORE from the peer: a C-GET sub-operation, streamed to the current C-GET's storage handler.</summary>
    private async Task HandleIncomingStoreAsync(DimseCommand command, AcceptedPresentationContext context, IncomingDataSetStream? dataSet)
    {
        DimseOutcome outcome;
        if (dataSet is null || command.AffectedSopInstanceUid is null || command.AffectedSopClassUid is null)
        {
            if (dataSet is not null)
                await dataSet.DrainAsync(CancellationToken.None);
            outcome = new DimseOutcome(DimseStatus.CannotUnderstand, "C-STORE-RQ without dataset or UIDs");
        }
        else if (_getHandler is not { } handler)
        {
            await dataSet.DrainAsync(CancellationToken.None);
            outcome = new DimseOutcome(DimseStatus.SopClassNotSupported, "no C-GET in progress");
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
            };
            outcome = await DicomServerAssociation.InvokeStorageAsync(handler, request, dataSet, Connection.ClosedToken);
        }
        var response = DimseCommand.ResponseTo(command, outcome.Status);
        response.ErrorComment = outcome.Status.IsSuccess ? null : outcome.TrimmedComment;
        await SendAsync(context.Id, response, null, CancellationToken.None);
    }
}
