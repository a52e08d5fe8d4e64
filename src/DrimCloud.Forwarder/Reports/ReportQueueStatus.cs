using DrimCloud.Forwarder.Control;

namespace DrimCloud.Forwarder.Reports;

/// <summary>The report spool as the heartbeat reports it: waiting messages, their bytes and age, refused ones.</summary>
public sealed class ReportQueueStatus(ReportSpool spool, ReportRelay relay) : IQueueStatusSource
{
    public QueueSnapshot Snapshot()
    {
        var pending = spool.Pending();
        DateTimeOffset? oldest = pending.Count == 0 ? null : new DateTimeOffset(File.GetLastWriteTimeUtc(pending[0].Path), TimeSpan.Zero);
        var refused = Directory.Exists(spool.RejectedDirectory) ? Directory.EnumerateFiles(spool.RejectedDirectory, "*.hl7").Count() : 0;
        return new QueueSnapshot(pending.Count, pending.Sum(r => r.Length), oldest, refused, relay.LastSentAt, relay.LastError, relay.LastErrorAt);
    }
}
