using DrimCloud.Forwarder.Control;
using DrimCloud.Forwarder.Spool;
using DrimCloud.Forwarder.Upload;

namespace DrimCloud.Forwarder.Status;

/// <summary>The DICOM spool and its uploader as the heartbeat reports them.</summary>
public sealed class DicomQueueStatus(DicomSpool spool, UploadStatus upload) : IQueueStatusSource
{
    public QueueSnapshot Snapshot()
    {
        var q = spool.Snapshot();
        return new QueueSnapshot(q.PendingInstances, q.PendingBytes, q.OldestPendingReceivedAt, q.QuarantinedInstances,
            upload.LastSuccessAt, upload.LastError, upload.LastErrorAt);
    }
}
