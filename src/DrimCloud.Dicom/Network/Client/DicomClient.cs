namespace DrimCloud.Dicom.Network;

/// <summary>Opens associations as requestor (SCU).</summary>
public static class DicomClient
{
    /// <summary>
    /// Connects, proposes <paramref name="proposal"/> and returns the established association. A rejection is a
    /// <see cref="DicomAssociationRejectedException"/>; the connection is closed on any failure.
    /// </summary>
    public static async Task<DicomClientAssociation> ConnectAsync(DicomClientOptions options, AssociationProposal proposal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(proposal);
        if (proposal.Count == 0)
            throw new ArgumentException("Propose at least one presentation context.", nameof(proposal));
        AssociatePduCodec.ValidateAeTitle(options.CallingAeTitle, "calling");
        AssociatePduCodec.ValidateAeTitle(options.CalledAeTitle, "called");

        var connection = await DicomConnection.ConnectAsync(options.Host, options.Port, options.Timeouts, options.Tls, cancellationToken);
        var association = new DicomClientAssociation(connection, options);
        try
        {
            await association.NegotiateAsync(proposal, cancellationToken);
            return association;
        }
        catch (DicomProtocolException e)
        {
            await connection.AbortAsync(AbortSource.ServiceProvider, e.Reason, e.Message);
            await connection.DisposeAsync();
            throw;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens an association proposing Verification only, sends one C-ECHO and releases.</summary>
    public static async Task<DimseStatus> EchoAsync(DicomClientOptions options, CancellationToken cancellationToken = default)
    {
        await using var association = await ConnectAsync(options, new AssociationProposal().AddVerification(), cancellationToken);
        var status = await association.EchoAsync(cancellationToken);
        await association.ReleaseAsync(cancellationToken);
        return status;
    }

    /// <summary>
    /// Sends instances by C-STORE, each in its own transfer syntax, opening as many associations as the 128
    /// presentation context limit requires. Within an association, requests overlap up to the window negotiated
    /// from <see cref="DicomClientOptions.AsyncOperations"/>. Every item gets a result; if an association breaks, the
    /// items it had not sent are reported as not sent with the reason, and the next batch still gets its chance.
    /// </summary>
    public static async Task<IReadOnlyList<DicomStoreResult>> StoreAsync(DicomClientOptions options, IEnumerable<DicomStoreItem> items,
        IProgress<DicomStoreResult>? progress = null, CancellationToken cancellationToken = default)
    {
        var results = new List<DicomStoreResult>();
        var remaining = items.ToList();
        while (remaining.Count > 0)
        {
            var proposal = new AssociationProposal();
            var later = proposal.AddStorage(remaining);
            var batch = remaining.Except(later).ToList();
            remaining = [.. later];
            var done = new HashSet<DicomStoreItem>();
            try
            {
                await using var association = await ConnectAsync(options, proposal, cancellationToken);
                var window = association.AsyncOperations.MaxOperationsInvoked is 0 or > 64 ? 64 : association.AsyncOperations.MaxOperationsInvoked;
                await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = window, CancellationToken = cancellationToken }, async (item, token) =>
                {
                    DicomStoreResult result;
                    try
                    {
                        result = await association.StoreAsync(item, DimsePriority.Medium, token);
                    }
                    catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
                    {
                        // A source that cannot be read aborts the association (its dataset was half sent); the
                        // items after it then fail fast with that reason.
                        result = DicomStoreResult.NotSent(item, e.Message, DimseStatus.ProcessingFailure);
                    }
                    lock (results)
                    {
                        results.Add(result);
                        done.Add(item);
                    }
                    progress?.Report(result);
                });
                await association.ReleaseAsync(cancellationToken);
            }
            catch (DicomNetworkException e)
            {
                foreach (var item in batch.Where(i => !done.Contains(i)))
                {
                    var failed = DicomStoreResult.NotSent(item, e.Message, DimseStatus.ProcessingFailure);
                    results.Add(failed);
                    progress?.Report(failed);
                }
            }
        }
        return results;
    }
}
