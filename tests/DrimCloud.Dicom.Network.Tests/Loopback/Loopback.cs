using DrimCloud.Dicom.Network.Tests.Infrastructure;

namespace DrimCloud.Dicom.Network.Tests.Loopback;

/// <summary>Our SCU against our SCP on 127.0.0.1: a listener storing into a temp folder plus matching client options.</summary>
internal sealed class Loopback : IAsyncDisposable
{
    private Loopback(DicomListener listener, TempDirectory folder, DicomFolderStorageHandler storage)
    {
        Listener = listener;
        Folder = folder;
        Storage = storage;
    }

    public DicomListener Listener { get; }

    public TempDirectory Folder { get; }

    public DicomFolderStorageHandler Storage { get; }

    public static Loopback Start(Func<DicomListenerOptions, DicomListenerOptions>? configure = null, string aeTitle = "DRIMSCP")
    {
        var folder = new TempDirectory();
        var storage = new DicomFolderStorageHandler(folder.Path, new DicomFolderStorageOptions { Fsync = false });
        var options = new DicomListenerOptions { AeTitle = aeTitle, Storage = storage };
        if (configure is not null)
            options = configure(options);
        return new Loopback(DicomListener.Start(options), folder, storage);
    }

    public DicomClientOptions Client(string callingAeTitle = "DRIMSCU", string? calledAeTitle = null) => new()
    {
        Host = "127.0.0.1",
        Port = Listener.Port,
        CallingAeTitle = callingAeTitle,
        CalledAeTitle = calledAeTitle ?? Listener.AeTitle,
    };

    public async ValueTask DisposeAsync()
    {
        await Listener.DisposeAsync();
        Folder.Dispose();
    }
}

internal static class OptionsExtensions
{
    /// <summary>Copies listener options with changes (the options type is init-only).</summary>
    public static DicomListenerOptions With(this DicomListenerOptions o, int? maxAssociations = null, IReadOnlySet<string>? allowedCalling = null,
        Func<UserIdentityRequest, DicomAssociationRequestContext, ValueTask<UserIdentityDecision>>? identity = null, DicomTimeouts? timeouts = null,
        IDicomQueryRetrieveHandler? queryRetrieve = null, DicomTlsServerOptions? tls = null, int? maxPendingRejections = null, uint? maxPdu = null,
        IDicomStorageHandler? storage = null) => new()
    {
        AeTitle = o.AeTitle,
        BindAddress = o.BindAddress,
        Port = o.Port,
        MaxAssociations = maxAssociations ?? o.MaxAssociations,
        MaxPendingRejections = maxPendingRejections ?? o.MaxPendingRejections,
        CheckCalledAeTitle = o.CheckCalledAeTitle,
        AllowedCallingAeTitles = allowedCalling ?? o.AllowedCallingAeTitles,
        AssociationFilter = o.AssociationFilter,
        UserIdentityValidator = identity ?? o.UserIdentityValidator,
        Timeouts = timeouts ?? o.Timeouts,
        MaxPduLength = maxPdu ?? o.MaxPduLength,
        MaxSendPduLength = o.MaxSendPduLength,
        MaxAsyncOperations = o.MaxAsyncOperations,
        Tls = tls ?? o.Tls,
        AcceptVerification = o.AcceptVerification,
        Storage = storage ?? o.Storage,
        AcceptUnknownSopClassesForStorage = o.AcceptUnknownSopClassesForStorage,
        StorageTransferSyntaxes = o.StorageTransferSyntaxes,
        QueryRetrieve = queryRetrieve ?? o.QueryRetrieve,
        Log = o.Log,
    };
}
