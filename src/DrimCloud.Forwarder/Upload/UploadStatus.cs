namespace DrimCloud.Forwarder.Upload;

/// <summary>What the uploader last saw of the cloud, shared with the status endpoint (and, later, the heartbeat).</summary>
public sealed class UploadStatus
{
    private readonly Lock _gate = new();

    public string State { get; private set; } = "starting";

    public string? LastError { get; private set; }

    public DateTimeOffset? LastErrorAt { get; private set; }

    public DateTimeOffset? LastSuccessAt { get; private set; }

    public long InstancesUploaded { get; private set; }

    public long BytesUploaded { get; private set; }

    public long RequestsFailed { get; private set; }

    public DateTimeOffset? RetryAt { get; private set; }

    public void Succeeded(int instances, long bytes, DateTimeOffset at)
    {
        lock (_gate)
        {
            State = "connected";
            LastSuccessAt = at;
            InstancesUploaded += instances;
            BytesUploaded += bytes;
            RetryAt = null;
        }
    }

    public void Failed(string state, string error, DateTimeOffset at, DateTimeOffset? retryAt)
    {
        lock (_gate)
        {
            State = state;
            LastError = error;
            LastErrorAt = at;
            RequestsFailed++;
            RetryAt = retryAt;
        }
    }
}
