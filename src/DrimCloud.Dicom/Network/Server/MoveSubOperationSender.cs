namespace DrimCloud.Dicom.Network;

/// <summary>
/// The association a C-MOVE SCP opens to the move destination, proposing exactly the SOP classes and transfer
/// syntaxes of the instances to send (each in its own syntax: nothing is transcoded). Opened on first use; a
/// destination that cannot be reached turns every sub-operation into a failure.
/// </summary>
internal sealed class MoveSubOperationSender(DicomServerAssociation owner, DicomMoveDestination destination, IReadOnlyList<DicomStoreItem> items) : IAsyncDisposable
{
    private DicomClientAssociation? _association;
    private bool _connectAttempted;

    /// <summary>Why the destination could not be reached, if it could not.</summary>
    public string? ConnectFailure { get; private set; }

    public async Task<DicomStoreResult> StoreAsync(DicomStoreItem item, string originatorAeTitle, ushort originatorMessageId, CancellationToken cancellationToken)
    {
        if (!_connectAttempted)
        {
            _connectAttempted = true;
            await ConnectAsync(cancellationToken);
        }
        if (_association is null)
            return DicomStoreResult.NotSent(item, ConnectFailure ?? "move destination unreachable");
        return await _association.StoreCoreAsync(item, DimsePriority.Medium, originatorAeTitle, originatorMessageId, cancellationToken);
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var proposal = new AssociationProposal();
        foreach (var pair in items.Select(i => (i.SopClassUid, i.TransferSyntaxUid)).Distinct())
        {
            if (proposal.IsFull)
                break; // the few instances beyond 128 distinct pairs fail as "not negotiated"
            proposal.Add(pair.SopClassUid, pair.TransferSyntaxUid);
        }
        var options = new DicomClientOptions
        {
            Host = destination.Host,
            Port = destination.Port,
            CallingAeTitle = owner.CalledAeTitle,
            CalledAeTitle = destination.AeTitle,
            Tls = destination.Tls,
        };
        try
        {
            _association = await DicomClient.ConnectAsync(options, proposal, cancellationToken);
        }
        catch (DicomNetworkException e)
        {
            ConnectFailure = $"move destination {destination.AeTitle}: {e.Message}";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_association is not null)
            await _association.DisposeAsync();
    }
}
