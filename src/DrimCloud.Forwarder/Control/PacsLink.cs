using DrimCloud.Dicom.Network;
using Microsoft.Extensions.Options;

namespace DrimCloud.Forwarder.Control;

/// <summary>The forwarder's view of its PACS: a C-ECHO before each heartbeat says whether the PACS answers.</summary>
public sealed class PacsLink(IOptions<PacsOptions> options)
{
    private static readonly TimeSpan EchoTimeout = TimeSpan.FromSeconds(5);

    public DicomClientOptions ClientOptions()
    {
        var o = options.Value;
        if (!o.IsConfigured) throw new InvalidOperationException("No PACS is configured (Forwarder:Pacs:Host).");
        return new DicomClientOptions { Host = o.Host!, Port = o.Port, CallingAeTitle = o.CallingAeTitle, CalledAeTitle = o.AeTitle };
    }

    /// <summary>The last <see cref="CheckAsync"/> outcome (null before the first), for the local status.</summary>
    public PacsLinkCheck? Last { get; private set; }

    public bool IsConfigured => options.Value.IsConfigured;

    /// <summary>(state, detail): not-configured, ok, or unreachable with the reason.</summary>
    public async Task<(string State, string? Detail)> CheckAsync(CancellationToken cancellationToken)
    {
        var (state, detail) = await EchoAsync(cancellationToken);
        Last = new PacsLinkCheck(state, detail, DateTimeOffset.UtcNow);
        return (state, detail);
    }

    private async Task<(string State, string? Detail)> EchoAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.IsConfigured) return ("not-configured", null);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(EchoTimeout);
        try
        {
            var status = await DicomClient.EchoAsync(ClientOptions(), timeout.Token);
            return status.IsSuccess ? ("ok", $"{o.AeTitle}@{o.Host}:{o.Port}") : ("unreachable", $"C-ECHO status {status}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ("unreachable", $"{o.AeTitle}@{o.Host}:{o.Port}: no answer to C-ECHO within {EchoTimeout.TotalSeconds} s");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return ("unreachable", $"{o.AeTitle}@{o.Host}:{o.Port}: {e.Message}");
        }
    }
}

public sealed record PacsLinkCheck(string State, string? Detail, DateTimeOffset CheckedAt);
