namespace DrimCloud.Forwarder.Spool;

/// <summary>
/// An instance held in the spool, acknowledged to its sender, waiting for the cloud's confirmation. <see cref="Path"/>
/// is its file (in objects/, or a spare in recycled/ written in place).
/// </summary>
public sealed record SpoolEntry(long Id, string StudyInstanceUid, string SopInstanceUid, long Length, DateTimeOffset ReceivedAt, string Path);

/// <summary>What the spool holds right now (for the status endpoint and, later, the heartbeat).</summary>
public sealed record SpoolSnapshot(int PendingInstances, long PendingBytes, int PendingStudies, int InFlightInstances,
    DateTimeOffset? OldestPendingReceivedAt, int QuarantinedInstances, long ReceivedSinceStart, long ConfirmedSinceStart);

/// <summary>The spool refuses an instance it could not send anyway (no Study Instance UID, unreadable header).</summary>
public sealed class SpoolRefusedException(string message) : Exception(message);
