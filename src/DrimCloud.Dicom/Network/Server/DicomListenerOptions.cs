using System.Net;

namespace DrimCloud.Dicom.Network;

/// <summary>Configuration of a <see cref="DicomListener"/> (the acceptor's side, SCP).</summary>
public sealed class DicomListenerOptions
{
    /// <summary>Our AE title; with <see cref="CheckCalledAeTitle"/>, requests calling another title are rejected.</summary>
    public required string AeTitle { get; init; }

    /// <summary>Address to listen on; loopback unless told otherwise.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Loopback;

    /// <summary>TCP port; 0 picks a free one (read it back from <see cref="DicomListener.Port"/>).</summary>
    public int Port { get; init; }

    /// <summary>Associations served at once; one more is answered with A-ASSOCIATE-RJ (transient, local limit exceeded).</summary>
    public int MaxAssociations { get; init; } = 64;

    /// <summary>
    /// Connections allowed to wait for their rejection beyond <see cref="MaxAssociations"/>; past that, a flood
    /// is cut at TCP accept without reading anything.
    /// </summary>
    public int MaxPendingRejections { get; init; } = 64;

    public bool CheckCalledAeTitle { get; init; } = true;

    /// <summary>Calling AE titles allowed to associate; null allows any.</summary>
    public IReadOnlySet<string>? AllowedCallingAeTitles { get; init; }

    /// <summary>Last word on a request that passed the other checks: return a rejection to refuse it.</summary>
    public Func<DicomAssociationRequestContext, AssociationRejection?>? AssociationFilter { get; init; }

    /// <summary>
    /// Checks a user identity (PS3.7 D.3.3.7). Null accepts any (and ignores the identity). A refused identity is
    /// rejected permanently by the ACSE provider, as the standard says.
    /// </summary>
    public Func<UserIdentityRequest, DicomAssociationRequestContext, ValueTask<UserIdentityDecision>>? UserIdentityValidator { get; init; }

    public DicomTimeouts Timeouts { get; init; } = DicomTimeouts.Default;

    /// <summary>Largest P-DATA-TF PDU we accept (announced to requestors).</summary>
    public uint MaxPduLength { get; init; } = 256 * 1024;

    /// <summary>Upper bound on the PDUs we send.</summary>
    public uint MaxSendPduLength { get; init; } = PduWriter.DefaultMaxSendPduLength;

    /// <summary>Most operations a requestor may have outstanding at once, when it asks for a window.</summary>
    public ushort MaxAsyncOperations { get; init; } = 16;

    public DicomTlsServerOptions? Tls { get; init; }

    /// <summary>Answer C-ECHO.</summary>
    public bool AcceptVerification { get; init; } = true;

    /// <summary>Receives C-STORE; null refuses every storage SOP class.</summary>
    public IDicomStorageHandler? Storage { get; init; }

    /// <summary>Also accept abstract syntaxes that are not standard storage SOP classes (private SOP classes) for storage.</summary>
    public bool AcceptUnknownSopClassesForStorage { get; init; }

    /// <summary>
    /// Transfer syntaxes accepted for storage, or null for every known one. Among those the requestor offers for a
    /// context, its own first choice is taken, so instances arrive in the syntax the sender has them in.
    /// </summary>
    public IReadOnlyList<string>? StorageTransferSyntaxes { get; init; }

    /// <summary>Answers C-FIND, C-MOVE and C-GET; null refuses Query/Retrieve.</summary>
    public IDicomQueryRetrieveHandler? QueryRetrieve { get; init; }

    public IDicomNetworkLog Log { get; init; } = NullDicomNetworkLog.Instance;

    public string ImplementationClassUid { get; init; } = WellKnownUids.ImplementationClassUid;

    public string ImplementationVersionName { get; init; } = WellKnownUids.ImplementationVersionName;
}

/// <summary>What a listener knows about an association request when deciding on it.</summary>
public sealed record DicomAssociationRequestContext(AssociationRequest Request, EndPoint? RemoteEndPoint, bool IsTls, System.Security.Cryptography.X509Certificates.X509Certificate? ClientCertificate);

/// <summary>Answer to a user identity: accepted or not, and the server response when a positive one was requested.</summary>
public sealed record UserIdentityDecision(bool Accepted, byte[]? ServerResponse = null)
{
    public static UserIdentityDecision Accept(byte[]? serverResponse = null) => new(true, serverResponse);

    public static UserIdentityDecision Refuse() => new(false);
}
