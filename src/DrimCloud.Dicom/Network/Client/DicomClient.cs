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
}
