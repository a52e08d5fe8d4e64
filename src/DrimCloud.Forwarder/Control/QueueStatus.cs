namespace DrimCloud.Forwarder.Control;

/// <summary>What one of the forwarder's queues (DICOM spool, report spool) holds right now.</summary>
public sealed record QueueSnapshot(
    int Depth, long Bytes, DateTimeOffset? OldestPendingAt, int Failed,
    DateTimeOffset? LastUploadAt, string? LastError, DateTimeOffset? LastErrorAt)
{
    public static readonly QueueSnapshot Empty = new(0, 0, null, 0, null, null, null);

    /// <summary>Two queues seen as one: counts add up, the oldest item and the latest events win.</summary>
    public QueueSnapshot Plus(QueueSnapshot other)
    {
        var lastErrorIsOther = (other.LastErrorAt ?? DateTimeOffset.MinValue) > (LastErrorAt ?? DateTimeOffset.MinValue);
        return new QueueSnapshot(
            Depth + other.Depth, Bytes + other.Bytes, Earliest(OldestPendingAt, other.OldestPendingAt), Failed + other.Failed,
            Latest(LastUploadAt, other.LastUploadAt),
            lastErrorIsOther ? other.LastError : LastError, lastErrorIsOther ? other.LastErrorAt : LastErrorAt);
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;
    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}

/// <summary>A queue that reports itself in the heartbeat. Register each with DI; the heartbeat adds them up.</summary>
public interface IQueueStatusSource
{
    QueueSnapshot Snapshot();
}
