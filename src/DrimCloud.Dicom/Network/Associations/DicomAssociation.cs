using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace DrimCloud.Dicom.Network;

/// <summary>
/// An established DICOM association (either side): what was negotiated and the means to send messages and end
/// it. <see cref="DicomClientAssociation"/> is the requestor's side; listeners hand a
/// <see cref="DicomServerAssociation"/> to their handlers.
/// </summary>
public abstract class DicomAssociation : IAsyncDisposable
{
    private readonly Dictionary<byte, AcceptedPresentationContext> _contexts = [];
    private volatile AssociationState _state = AssociationState.AwaitingAssociateRequest;

    private protected DicomAssociation(DicomConnection connection)
    {
        Connection = connection;
        Inbound = new DimseInbound(connection, id => _contexts.GetValueOrDefault(id));
    }

    private protected DicomConnection Connection { get; }

    private protected DimseInbound Inbound { get; }

    /// <summary>The A-ASSOCIATE-RQ as sent or received.</summary>
    public AssociationRequest Request { get; private protected set; } = null!;

    /// <summary>The A-ASSOCIATE-AC as sent or received.</summary>
    public AssociationAccept Accept { get; private protected set; } = null!;

    public string CallingAeTitle => Request.CallingAeTitle;

    public string CalledAeTitle => Request.CalledAeTitle;

    public EndPoint? RemoteEndPoint => Connection.RemoteEndPoint;

    public EndPoint? LocalEndPoint => Connection.LocalEndPoint;

    public bool IsTls => Connection.IsTls;

    public X509Certificate? RemoteCertificate => Connection.RemoteCertificate;

    public AssociationState State
    {
        get => _state;
        private protected set => _state = value;
    }

    /// <summary>Presentation contexts both sides agreed on, by ID.</summary>
    public IReadOnlyDictionary<byte, AcceptedPresentationContext> AcceptedContexts => _contexts;

    /// <summary>The peer's implementation class UID and version name, for logs and quirk handling.</summary>
    public string? PeerImplementationClassUid => PeerUserInformation.ImplementationClassUid;

    public string? PeerImplementationVersionName => PeerUserInformation.ImplementationVersionName;

    /// <summary>Largest P-DATA-TF this side sends (the peer's announced maximum, within our cap).</summary>
    public int MaxSendPduLength => Connection.Writer.MaxPduLength;

    public long BytesSent => Connection.Writer.BytesSent;

    public long BytesReceived => Connection.Reader.BytesReceived;

    private protected abstract UserInformation PeerUserInformation { get; }

    private protected void SetAcceptedContexts(IEnumerable<AcceptedPresentationContext> contexts)
    {
        _contexts.Clear();
        foreach (var context in contexts)
            _contexts[context.Id] = context;
    }

    /// <summary>
    /// The first accepted context for a SOP class whose transfer syntax is one of <paramref name="transferSyntaxes"/>
    /// (in that order of preference), or any accepted context for it when none is given.
    /// </summary>
    public AcceptedPresentationContext? FindContext(string abstractSyntax, params ReadOnlySpan<string> transferSyntaxes)
    {
        if (transferSyntaxes.IsEmpty)
            return _contexts.Values.Where(c => c.AbstractSyntax == abstractSyntax).OrderBy(c => c.Id).FirstOrDefault();
        foreach (var syntax in transferSyntaxes)
        {
            foreach (var context in _contexts.Values.OrderBy(c => c.Id))
            {
                if (context.AbstractSyntax == abstractSyntax && context.TransferSyntax == syntax)
                    return context;
            }
        }
        return null;
    }

    /// <summary>
    /// Sends a message. A failure once the first PDU is out leaves the peer with half a message, so the
    /// association is aborted before the error is rethrown.
    /// </summary>
    private protected async Task SendAsync(byte contextId, DimseCommand command, OutgoingDataSet? dataSet, CancellationToken cancellationToken)
    {
        try
        {
            await Connection.Writer.SendMessageAsync(contextId, command, dataSet, cancellationToken);
        }
        catch (Exception e) when (e is not DicomNetworkException)
        {
            await AbortCoreAsync(AbortSource.ServiceUser, AbortReason.NotSpecified, $"sending {command.Field} failed: {e.Message}");
            throw;
        }
    }

    /// <summary>Aborts the association (A-ABORT, source service user) and closes the connection.</summary>
    public Task AbortAsync() => AbortCoreAsync(AbortSource.ServiceUser, AbortReason.NotSpecified, "aborted locally");

    private protected async Task AbortCoreAsync(AbortSource source, AbortReason reason, string description)
    {
        if (State == AssociationState.Closed)
            return;
        State = AssociationState.AwaitingTransportClose;
        await Connection.AbortAsync(source, reason, description);
        State = AssociationState.Closed;
    }

    public abstract ValueTask DisposeAsync();
}
