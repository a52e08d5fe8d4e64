using System.Net;
using DrimCloud.Dicom.Network;
using Microsoft.Extensions.Options;

namespace DrimCloud.Forwarder.Dicom;

/// <summary>The DICOM Storage SCP (and C-ECHO) the PACS sends to; runs for the life of the service.</summary>
public sealed class StorageScp(SpoolStorageHandler handler, IOptions<ForwarderOptions> options, ILogger<StorageScp> logger) : IHostedService, IAsyncDisposable
{
    private DicomListener? _listener;

    /// <summary>The port actually listened on (differs from the configuration when it asked for 0).</summary>
    public int? Port => _listener?.Port;

    public string AeTitle => options.Value.Dicom.AeTitle;

    public int ActiveAssociations => _listener?.ActiveAssociations ?? 0;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value.Dicom;
        var allowed = o.AllowedCallingAeTitles.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim()).ToHashSet(StringComparer.Ordinal);
        _listener = DicomListener.Start(new DicomListenerOptions
        {
            AeTitle = o.AeTitle,
            BindAddress = IPAddress.Parse(o.BindAddress),
            Port = o.Port,
            MaxAssociations = o.MaxAssociations,
            // The allow-list is checked here rather than by the listener so the refusal names the setting to change.
            AssociationFilter = allowed.Count == 0 ? null : context => CheckCallingAe(context, allowed),
            Storage = handler,
            AcceptUnknownSopClassesForStorage = true,
            Log = new DicomLogAdapter(logger),
        });
        logger.LogInformation("DICOM Storage SCP '{Ae}' listening on {Address}:{Port}; calling AE titles allowed: {Allowed}.",
            o.AeTitle, o.BindAddress, _listener.Port, allowed.Count == 0 ? "any" : string.Join(", ", allowed.Order(StringComparer.Ordinal)));
        return Task.CompletedTask;
    }

    private AssociationRejection? CheckCallingAe(DicomAssociationRequestContext context, HashSet<string> allowed)
    {
        var calling = context.Request.CallingAeTitle.Trim();
        if (allowed.Contains(calling)) return null;
        logger.LogWarning("Association refused: calling AE title '{Calling}' from {Remote} is not in Forwarder:Dicom:AllowedCallingAeTitles.",
            calling, context.RemoteEndPoint);
        return new AssociationRejection(RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CallingAeTitleNotRecognized);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_listener is not null) await _listener.StopAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        if (_listener is not null) await _listener.DisposeAsync();
    }
}

/// <summary>Network-layer events into the host's log (an association refused for its calling AE shows up as a warning).</summary>
internal sealed class DicomLogAdapter(ILogger logger) : IDicomNetworkLog
{
    public void Write(DicomLogLevel level, string message, Exception? error = null)
    {
        var mapped = level switch
        {
            DicomLogLevel.Debug => LogLevel.Debug,
            DicomLogLevel.Information => LogLevel.Debug, // one line per association is noise at Information
            DicomLogLevel.Warning => LogLevel.Warning,
            _ => LogLevel.Error,
        };
        if (logger.IsEnabled(mapped))
#pragma warning disable CA2254 // the network layer formats its own messages
            logger.Log(mapped, error, "DICOM: " + message.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));
#pragma warning restore CA2254
    }
}
