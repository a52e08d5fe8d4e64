using DrimCloud.Api.Infrastructure;
using DrimCloud.Data;
using DrimCloud.Domain.Audit;
using DrimCloud.Storage;

namespace DrimCloud.Api.DicomWeb.Store;

/// <summary>
/// The unit of work of one STOW-RS request. Instances whose blobs are stored wait here for their index rows; they are
/// committed in groups of up to <see cref="MaxBatch"/>, the last group together with the request's audit row, through
/// the <see cref="IndexCommitQueue"/>: concurrent requests of the tenant share one transaction (one fsync), so a
/// one-instance request rarely pays a commit of its own, and a batch from a forwarder costs one commit per group.
/// If a group commit fails, each of this request's instances is committed alone, so one bad instance costs only
/// itself; an instance whose rows do not commit loses its blob too (nothing half-stored).
/// </summary>
public sealed class StoreSession(DrimCloudDbContext db, InstanceIndexWriter index, IBlobStore blobs, SqliteWriteGate gate,
    IndexCommitQueue queue, AuditLog audit, ILogger<StoreSession> logger)
{
    /// <summary>Bounds how long stored instances stay invisible, and how much one failed group must redo.</summary>
    public const int MaxBatch = 16;

    private readonly List<StoreOutcome> _outcomes = [];
    private readonly List<PendingInstance> _pending = [];

    public IReadOnlyList<StoreOutcome> Outcomes => _outcomes;

    /// <summary>An outcome that needs no index write (refused, duplicate, already stored).</summary>
    public void Add(StoreOutcome outcome) => _outcomes.Add(outcome);

    /// <summary>True when this request stored the instance and has not committed its rows yet.</summary>
    public bool IsPending(string sopInstanceUid) => _pending.Exists(p => p.Header.SopInstanceUid == sopInstanceUid);

    /// <summary>A stored blob whose rows are to be written: reported as stored unless its commit fails.</summary>
    public async Task AddStoredAsync(string container, InstanceHeader h, StoredInstance stored, bool replace, CancellationToken cancellationToken)
    {
        _pending.Add(new PendingInstance(_outcomes.Count, container, h, stored, replace));
        _outcomes.Add(StoreOutcome.Success(h));
        if (_pending.Count >= MaxBatch) await FlushAsync(null, cancellationToken);
    }

    /// <summary>Commits what is pending (before storing an instance that is already pending, for instance).</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => FlushAsync(null, cancellationToken);

    /// <summary>Commits what is pending with the request's audit event, described from the final outcomes.</summary>
    public Task CompleteAsync(Func<IReadOnlyList<StoreOutcome>, AuditEvent> describe, CancellationToken cancellationToken) =>
        FlushAsync(describe, cancellationToken);

    /// <summary>The request failed mid-way: blobs whose rows were never committed are removed.</summary>
    public async Task AbandonAsync()
    {
        var batch = _pending.ToList();
        _pending.Clear();
        foreach (var p in batch) await blobs.DeleteAsync(p.Container, p.Stored.BlobKey, CancellationToken.None);
    }

    private async Task FlushAsync(Func<IReadOnlyList<StoreOutcome>, AuditEvent>? describe, CancellationToken cancellationToken)
    {
        var batch = _pending.ToList();
        _pending.Clear();
        if (batch.Count == 0 && describe is null) return;
        // Described before committing: if the commit succeeds, every pending instance is stored as reported.
        if (await CommitTogetherAsync(batch, describe?.Invoke(_outcomes)) is { } replaced)
        {
            foreach (var (container, key) in replaced) await blobs.DeleteAsync(container, key, CancellationToken.None);
            return;
        }
        foreach (var p in batch) await CommitAloneAsync(p, cancellationToken);
        if (describe is not null) await audit.RecordAsync(describe(_outcomes));
    }

    /// <summary>
    /// Queues the batch and commits, with this request's context, whatever the tenant has queued when the write gate
    /// comes free, unless another request committed this batch meanwhile. Not cancellable once queued (see
    /// <see cref="IndexCommitQueue"/>). Null when the group's commit failed.
    /// </summary>
    private async Task<IReadOnlyList<(string Container, string Key)>?> CommitTogetherAsync(List<PendingInstance> batch, AuditEvent? auditEvent)
    {
        var tenantId = db.CurrentTenantId ?? throw new InvalidOperationException("No tenant to commit index rows for.");
        var unit = new CommitUnit(batch, auditEvent);
        queue.Enqueue(tenantId, unit);
        using (await gate.EnterAsync(db, CancellationToken.None))
        {
            if (queue.TakeAll(tenantId) is { Count: > 0 } units) await CommitGroupAsync(units);
        }
        return await unit.Completion;
    }

    private async Task CommitGroupAsync(IReadOnlyList<CommitUnit> units)
    {
        var replaced = units.Select(_ => new List<(string Container, string Key)>()).ToArray();
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            foreach (var u in units)
                if (u.AuditEvent is not null) db.AuditEvents.Add(u.AuditEvent);
            var touched = new Dictionary<(Guid Study, Guid Series), bool>(); // → modalities may change
            var group = new IndexGroup();
            for (var i = 0; i < units.Count; i++)
            {
                foreach (var p in units[i].Instances)
                {
                    var rows = await index.WriteRowsAsync(p.Header, p.Stored, p.Replace, group, CancellationToken.None);
                    touched[(rows.StudyId, rows.SeriesId)] = rows.ModalitiesMayChange || touched.GetValueOrDefault((rows.StudyId, rows.SeriesId));
                    if (rows.ReplacedBlobKey is { } key) replaced[i].Add((p.Container, key));
                }
            }
            // Every row of the group (and the audit rows) in one SaveChanges: one statement batch.
            await db.SaveChangesAsync(CancellationToken.None);
            foreach (var ((study, series), modalities) in touched) await index.RecountAsync(study, series, modalities, CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            db.ChangeTracker.Clear();
            logger.LogInformation(e, "Group commit of {Count} requests' index rows failed; each commits its instances one by one.", units.Count);
            foreach (var u in units) u.GroupFailed();
            return;
        }
        // The rows are written: tracking them further would only slow the next group's SaveChanges.
        db.ChangeTracker.Clear();
        for (var i = 0; i < units.Count; i++) units[i].Committed(replaced[i]);
    }

    private async Task CommitAloneAsync(PendingInstance p, CancellationToken cancellationToken)
    {
        try
        {
            if (await index.WriteAsync(p.Header, p.Stored, p.Replace, cancellationToken) is { } replaced)
                await blobs.DeleteAsync(p.Container, replaced, CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
            await blobs.DeleteAsync(p.Container, p.Stored.BlobKey, CancellationToken.None);
            throw;
        }
        catch (Exception e)
        {
            // Nothing half-stored: without its index row the blob must go too.
            db.ChangeTracker.Clear();
            logger.LogError(e, "Indexing {Sop} failed; removing its blob.", p.Header.SopInstanceUid);
            await blobs.DeleteAsync(p.Container, p.Stored.BlobKey, CancellationToken.None);
            _outcomes[p.Slot] = e is SeriesInAnotherStudyException
                ? StoreOutcome.Failure(StoreFailureReason.DataSetDoesNotMatch, e.Message, p.Header)
                : StoreOutcome.Failure(StoreFailureReason.ProcessingFailure, "The instance could not be indexed.", p.Header);
        }
    }
}
