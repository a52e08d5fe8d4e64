using System.Reflection;
using DrimCloud.Forwarder.Cloud;
using DrimCloud.Forwarder.Control;
using DrimCloud.Forwarder.Dicom;
using DrimCloud.Forwarder.Reports;
using DrimCloud.Forwarder.Spool;
using DrimCloud.Forwarder.Upload;
using Microsoft.Extensions.Options;

namespace DrimCloud.Forwarder.Status;

public sealed record ForwarderStatus(
    string Version,
    string Tenant,
    DateTimeOffset Now,
    DicomScpStatus Dicom,
    QueueStatus Queue,
    UploadStatusReport Upload,
    ReportQueueReport Reports,
    CloudLinkReport Cloud,
    PacsLinkReport Pacs);

public sealed record DicomScpStatus(string AeTitle, int? Port, int ActiveAssociations);

public sealed record QueueStatus(int Instances, long Bytes, int Studies, int InFlight, DateTimeOffset? OldestPendingReceivedAt,
    double? OldestPendingAgeSeconds, int Quarantined, long ReceivedSinceStart, long ConfirmedSinceStart, string SpoolFolder);

public sealed record UploadStatusReport(string State, string? LastError, DateTimeOffset? LastErrorAt, DateTimeOffset? LastSuccessAt,
    long InstancesUploaded, long BytesUploaded, DateTimeOffset? RetryAt);

/// <summary>The HL7 report spool: messages acknowledged to the RIS and not yet accepted by the cloud.</summary>
public sealed record ReportQueueReport(int Messages, long Bytes, DateTimeOffset? OldestPendingAt, double? OldestPendingAgeSeconds,
    int Rejected, DateTimeOffset? LastSentAt, string? LastError, DateTimeOffset? LastErrorAt, string SpoolFolder);

/// <summary>
/// The link to the cloud: <c>state</c> is unknown, ok, credentials-rejected (refused or revoked) or unreachable;
/// tokens issued and refused (401) since start.
/// </summary>
public sealed record CloudLinkReport(string State, DateTimeOffset? LastContactAt, string? LastError, DateTimeOffset? LastErrorAt,
    string ApiUrl, string ClientId, long TokensIssued, long TokensRefused);

/// <summary>The link to the local PACS, from the C-ECHO before each heartbeat: not-configured, unknown, ok or unreachable.</summary>
public sealed record PacsLinkReport(string State, string? Detail, DateTimeOffset? CheckedAt);

/// <summary>One snapshot of the forwarder's state: what the local status endpoint serves.</summary>
public sealed class ForwarderStatusSource(DicomSpool spool, UploadStatus upload, StorageScp scp, ReportSpool reportSpool,
    ReportQueueStatus reports, CloudLinkStatus cloud, PacsLink pacs, IOptions<ForwarderOptions> options, TimeProvider clock)
{
    private static readonly string s_version =
        typeof(ForwarderStatusSource).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public ForwarderStatus Current()
    {
        var now = clock.GetUtcNow();
        var q = spool.Snapshot();
        var r = reports.Snapshot();
        var pacsCheck = pacs.Last;
        return new ForwarderStatus(s_version, options.Value.Tenant, now,
            new DicomScpStatus(scp.AeTitle, scp.Port, scp.ActiveAssociations),
            new QueueStatus(q.PendingInstances, q.PendingBytes, q.PendingStudies, q.InFlightInstances, q.OldestPendingReceivedAt,
                AgeSeconds(now, q.OldestPendingReceivedAt), q.QuarantinedInstances, q.ReceivedSinceStart, q.ConfirmedSinceStart, spool.Folder),
            new UploadStatusReport(upload.State, upload.LastError, upload.LastErrorAt, upload.LastSuccessAt, upload.InstancesUploaded,
                upload.BytesUploaded, upload.RetryAt),
            new ReportQueueReport(r.Depth, r.Bytes, r.OldestPendingAt, AgeSeconds(now, r.OldestPendingAt), r.Failed, r.LastUploadAt,
                r.LastError, r.LastErrorAt, reportSpool.Root),
            new CloudLinkReport(cloud.State, cloud.LastContactAt, cloud.LastError, cloud.LastErrorAt,
                options.Value.Cloud.ApiUrl?.ToString() ?? "", options.Value.ClientId, cloud.TokensIssued, cloud.TokensRefused),
            pacsCheck is not null ? new PacsLinkReport(pacsCheck.State, pacsCheck.Detail, pacsCheck.CheckedAt)
                : new PacsLinkReport(pacs.IsConfigured ? "unknown" : "not-configured", null, null));
    }

    private static double? AgeSeconds(DateTimeOffset now, DateTimeOffset? at) => at is { } t ? Math.Round((now - t).TotalSeconds, 1) : null;
}
