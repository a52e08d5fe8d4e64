namespace DrimCloud.Dicom.Network;

/// <summary>Who to connect to and how (the requestor's side of an association).</summary>
public sealed class DicomClientOptions
{
    /// <summary>The peer's host name or address.</summary>
    public required string Host { get; init; }

    public required int Port { get; init; }

    /// <summary>Our own AE title (DCMTK's -aet).</summary>
    public required string CallingAeTitle { get; init; }

    /// <summary>The peer's AE title (DCMTK's -aec).</summary>
    public required string CalledAeTitle { get; init; }

    public DicomTimeouts Timeouts { get; init; } = DicomTimeouts.Default;

    /// <summary>Largest P-DATA-TF PDU we accept (announced to the peer).</summary>
    public uint MaxPduLength { get; init; } = 256 * 1024;

    /// <summary>Upper bound on the PDUs we send, whatever the peer accepts.</summary>
    public uint MaxSendPduLength { get; init; } = PduWriter.DefaultMaxSendPduLength;

    /// <summary>
    /// Operations we ask to have outstanding at once (requests sent before earlier responses arrive); null does
    /// not negotiate, which means one at a time.
    /// </summary>
    public AsyncOperationsWindow? AsyncOperations { get; init; }

    public UserIdentityRequest? UserIdentity { get; init; }

    /// <summary>TLS; null for plain TCP.</summary>
    public DicomTlsClientOptions? Tls { get; init; }

    public string ImplementationClassUid { get; init; } = WellKnownUids.ImplementationClassUid;

    public string ImplementationVersionName { get; init; } = WellKnownUids.ImplementationVersionName;
}
