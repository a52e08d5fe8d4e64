using System.Reflection;
using DrimCloud.Forwarder.Dicom;
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
    UploadStatusReport Upload);

public sealed record DicomScpStatus(string AeTitle, int? Port, int ActiveAssociations);

public sealed record QueueStatus(int Instances, long Bytes, int Studies, int InFlight, DateTimeOffset? OldestPendingReceivedAt,
    double? OldestPendingAgeSeconds, int Quarantined, long ReceivedSinceStart, long ConfirmedSinceStart, string SpoolFolder);

public sealed record UploadStatusReport(string State, string? LastError, DateTimeOffset? LastErrorAt, DateTimeOffset? LastSuccessAt,
    long InstancesUploaded, long BytesUploaded, DateTimeOffset? RetryAt);

/// <summary>One snapshot of the forwarder's state: what the local status endpoint serves (and what a heartbeat sends).</summary>
public sealed class ForwarderStatusSource(DicomSpool spool, UploadStatus upload, StorageScp scp, IOptions<ForwarderOptions> options, TimeProvider clock)
{
    private static readonly string s_version =
        typeof(ForwarderStatusSource).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public ForwarderStatus Current()
    {
        var now = clock.GetUtcNow();
        var q = spool.Snapshot();
        return new ForwarderStatus(s_version, options.Value.Tenant, now,
            new DicomScpStatus(scp.AeTitle, scp.Port, scp.ActiveAssociations),
            new QueueStatus(q.PendingInstances, q.PendingBytes, q.PendingStudies, q.InFlightInstances, q.OldestPendingReceivedAt,
                q.OldestPendingReceivedAt is { } oldest ? Math.Round((now - oldest).TotalSeconds, 1) : null, q.QuarantinedInstances,
                q.ReceivedSinceStart, q.ConfirmedSinceStart, spool.Folder),
            new UploadStatusReport(upload.State, upload.LastError, upload.LastErrorAt, upload.LastSuccessAt, upload.InstancesUploaded,
                upload.BytesUploaded, upload.RetryAt));
    }
}
