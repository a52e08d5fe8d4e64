using DrimCloud.Domain.Audit;

namespace DrimCloud.Api.DicomWeb.Store;

/// <summary>
/// Group commit across concurrent STOW-RS requests of one tenant. Each request hands its instances' index rows (and
/// its audit row) over as a <see cref="CommitUnit"/>; whichever request gets the write gate next commits every unit
/// of its tenant waiting at that moment in one transaction. Concurrent one-instance requests (a modality or a client
/// sending one instance per request) then share one database commit (one fsync), one recount per series and one
/// transaction's statements, instead of paying for each.
/// <para>
/// A unit is committed by exactly one request, its owner or another; its owner learns the outcome from
/// <see cref="CommitUnit.Completion"/>. Once queued, a unit is committed even if its owner's request is aborted: its
/// instances were received whole, so storing them is not half-storing them, and a sender that resends is answered
/// "already stored".
/// </para>
/// </summary>
public sealed class IndexCommitQueue
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, List<CommitUnit>> _waiting = [];

    public void Enqueue(Guid tenantId, CommitUnit unit)
    {
        lock (_lock)
        {
            if (!_waiting.TryGetValue(tenantId, out var units)) _waiting[tenantId] = units = [];
            units.Add(unit);
        }
    }

    /// <summary>How many units of the tenant wait for a commit (for diagnostics and tests).</summary>
    public int Waiting(Guid tenantId)
    {
        lock (_lock)
        {
            return _waiting.TryGetValue(tenantId, out var units) ? units.Count : 0;
        }
    }

    /// <summary>Every unit of the tenant waiting now, in arrival order (empty when another request took them).</summary>
    public IReadOnlyList<CommitUnit> TakeAll(Guid tenantId)
    {
        lock (_lock)
        {
            return _waiting.Remove(tenantId, out var units) ? units : [];
        }
    }
}

/// <summary>The index rows one request commits at once, and its audit row when it is the request's last group.</summary>
public sealed class CommitUnit(IReadOnlyList<PendingInstance> instances, AuditEvent? auditEvent)
{
    // Owners resume on their own (never inside the committing request's write gate).
    private readonly TaskCompletionSource<IReadOnlyList<(string Container, string Key)>?> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<PendingInstance> Instances { get; } = instances;

    public AuditEvent? AuditEvent { get; } = auditEvent;

    /// <summary>
    /// Completes with the blobs the committed rows replaced (to delete now), or with null when the group's commit
    /// failed: nothing of the unit was committed, and its owner commits its instances one by one.
    /// </summary>
    public Task<IReadOnlyList<(string Container, string Key)>?> Completion => _done.Task;

    public void Committed(IReadOnlyList<(string Container, string Key)> replaced) => _done.TrySetResult(replaced);

    public void GroupFailed() => _done.TrySetResult(null);
}

/// <summary>An instance whose blob is stored and whose index rows are not committed yet; Slot is its place in the request's outcomes.</summary>
public sealed record PendingInstance(int Slot, string Container, InstanceHeader Header, StoredInstance Stored, bool Replace);
