using DrimCloud.Api.Infrastructure;
using DrimCloud.Data;
using DrimCloud.Domain.Audit;
using DrimCloud.Storage;

namespace DrimCloud.Api.DicomWeb.Store;

/// <summary>
/// The unit of work of one STOW-RS request. Instances whose blobs are stored wait here for their index rows; they are
/// committed in groups of up to <see cref="MaxBatch"/>, the last group together with the request's audit row, so a
/// one-instance request costs one database commit (one fsync) instead of two, and a batch from a forwarder one commit
/// per group. If a group commit fails, each of its instances is committed alone, so one bad instance costs only
/// itself; an instance whose rows do not commit loses its blob too (nothing half-stored).
/// </summary>
public sealed class StoreSession(DrimCloudDbContext db, InstanceIndexWriter index, IBlobStore blobs, SqliteWriteGate gate,
    AuditLog audit, ILogger<StoreSession> logger)
{
    /// <summary>Bounds how long stored instances stay invisible, and how much one failed group must redo.</summary>
    public const int MaxBatch = 16;

    private readonly List<StoreOutcome> _outcomes = [];
    private readonly List<Pending> _pending = [];

    private sealed record Pending(int Slot, string Container, InstanceHeader Header, StoredInstance Stored, bool Replace);

    public IReadOnlyList<StoreOutcome> Outcomes => _outcomes;

    /// <summary>An outcome that needs no index write (refused, duplicate, already stored).</summary>
    public void Add(StoreOutcome outcome) => _outcomes.Add(outcome);

    /// <summary>True when this request stored the instance and has not committed its rows yet.</summary>
    public bool IsPending(string sopInstanceUid) => _pending.Exists(p => p.Header.SopInstanceUid == sopInstanceUid);

    /// <summary>A stored blob whose rows are to be written: reported as stored unless its commit fails.</summary>
    public async Task AddStoredAsync(string container, InstanceHeader h, StoredInstance stored, bool replace, CancellationToken cancellationToken)
    {
        _pending.Add(new Pending(_outcomes.Count, container, h, stored, replace));
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
        try
        {
            // Described before committing: if the commit succeeds, every pending instance is stored as reported.
            foreach (var (container, key) in await CommitTogetherAsync(batch, describe?.Invoke(_outcomes), cancellationToken))
                await blobs.DeleteAsync(container, key, CancellationToken.None);
            return;
        }
        catch (OperationCanceledException)
        {
            db.ChangeTracker.Clear();
            foreach (var p in batch) await blobs.DeleteAsync(p.Container, p.Stored.BlobKey, CancellationToken.None);
            throw;
        }
        catch (Exception e)
        {
            db.ChangeTracker.Clear();
            logger.LogInformation(e, "Group commit of {Count} instances failed; committing them one by one.", batch.Count);
        }
        foreach (var p in batch) await CommitAloneAsync(p, cancellationToken);
        if (describe is not null) await audit.RecordAsync(describe(_outcomes));
    }

    private async Task<List<(string Container, string Key)>> CommitTogetherAsync(List<Pending> batch, AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        var replaced = new List<(string, string)>();
        using (await gate.EnterAsync(db, cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // Tracked first, so the first instance's SaveChanges inserts it too (one statement batch fewer).
            if (auditEvent is not null) db.AuditEvents.Add(auditEvent);
            var touched = new HashSet<(Guid Study, Guid Series)>();
            foreach (var p in batch)
            {
                var rows = await index.WriteRowsAsync(p.Header, p.Stored, p.Replace, cancellationToken);
                touched.Add((rows.StudyId, rows.SeriesId));
                if (rows.ReplacedBlobKey is { } key) replaced.Add((p.Container, key));
            }
            if (batch.Count == 0) await db.SaveChangesAsync(cancellationToken);
            foreach (var (study, series) in touched) await index.RecountAsync(study, series, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        // The rows are written: tracking them further would only slow the next group's SaveChanges.
        db.ChangeTracker.Clear();
        return replaced;
    }

    private async Task CommitAloneAsync(Pending p, CancellationToken cancellationToken)
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
