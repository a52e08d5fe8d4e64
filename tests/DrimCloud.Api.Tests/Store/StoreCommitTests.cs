using System.Diagnostics;
using DrimCloud.Api.DicomWeb.Store;
using DrimCloud.Api.Infrastructure;
using DrimCloud.Data;
using DrimCloud.Domain.Audit;
using DrimCloud.Domain.Tenants;
using DrimCloud.Storage;
using DrimCloud.Storage.FileSystem;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;

namespace DrimCloud.Api.Tests.Store;

/// <summary>
/// <see cref="StoreSession"/> on a real (SQLite, migrated) database and file blobs: the instances of a request and its
/// audit row commit in one transaction; when that fails, each instance commits alone, and one that cannot be indexed
/// loses its blob while the others stay stored.
/// </summary>
public sealed class StoreCommitTests : IAsyncLifetime
{
    private readonly StoreTestBed _bed = new();

    private string Container => _bed.Container;

    public Task InitializeAsync() => _bed.InitializeAsync();

    public Task DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task A_request_s_instances_and_its_audit_row_commit_in_one_transaction()
    {
        await using var db = _bed.ForTenant();
        var session = Session(db);
        using var commits = new CommitCounter(db);
        for (var i = 1; i <= 3; i++) await AddAsync(session, "1.2.3.1", "1.2.3.1.1", $"1.2.3.1.1.{i}");

        await session.CompleteAsync(Describe, CancellationToken.None);

        Assert.Equal(1, commits.Count);
        Assert.All(session.Outcomes, o => Assert.True(o.Stored));
        await using var check = _bed.ForTenant();
        Assert.Equal(3, await check.Instances.CountAsync());
        Assert.Equal(3, (await check.Series.SingleAsync(s => s.SeriesInstanceUid == "1.2.3.1.1")).NumberOfInstances);
        Assert.Equal(3, (await check.Studies.SingleAsync(s => s.StudyInstanceUid == "1.2.3.1")).NumberOfInstances);
        var audit = await check.AuditEvents.SingleAsync();
        Assert.Equal("3 stored, 0 failed", audit.Detail);
        Assert.Equal(AuditOutcome.Success, audit.Outcome);
    }

    [Fact]
    public async Task One_bad_instance_in_a_group_costs_only_itself_and_leaves_no_blob()
    {
        // Two studies already stored; then a request whose middle instance names a series of the other study.
        await StoreTwoStudiesAsync("1.2.4");

        await using var db = _bed.ForTenant();
        var session = Session(db);
        await AddAsync(session, "1.2.4.1", "1.2.4.1.1", "1.2.4.1.1.2");
        var bad = await AddAsync(session, "1.2.4.2", "1.2.4.1.1", "1.2.4.2.9.9");
        await AddAsync(session, "1.2.4.1", "1.2.4.1.1", "1.2.4.1.1.3");
        await session.CompleteAsync(Describe, CancellationToken.None);

        Assert.Equal([true, false, true], session.Outcomes.Select(o => o.Stored));
        Assert.Equal(StoreFailureReason.DataSetDoesNotMatch, session.Outcomes[1].FailureReason);
        Assert.Null(await _bed.Blobs.GetInfoAsync(Container, bad));
        await using var check = _bed.ForTenant();
        Assert.Equal(["1.2.4.1.1.1", "1.2.4.1.1.2", "1.2.4.1.1.3", "1.2.4.2.1.1"],
            (await check.Instances.Select(i => i.SopInstanceUid).ToListAsync()).Order(StringComparer.Ordinal));
        Assert.Equal(3, (await check.Series.SingleAsync(s => s.SeriesInstanceUid == "1.2.4.1.1")).NumberOfInstances);
        foreach (var instance in await check.Instances.ToListAsync())
            Assert.NotNull(await _bed.Blobs.GetInfoAsync(Container, instance.BlobKey));
        var audit = await check.AuditEvents.OrderBy(a => a.Id).LastAsync();
        Assert.Equal(("partial", "2 stored, 1 failed"), (audit.Outcome, audit.Detail));
    }

    [Fact]
    public async Task Concurrent_requests_of_a_tenant_share_one_commit()
    {
        await using var first = _bed.ForTenant();
        await using var second = _bed.ForTenant();
        var (a, b) = (Session(first), Session(second));
        await AddAsync(a, "1.2.6.1", "1.2.6.1.1", "1.2.6.1.1.1");
        await AddAsync(b, "1.2.6.1", "1.2.6.1.1", "1.2.6.1.1.2");
        using var commitsA = new CommitCounter(first);
        using var commitsB = new CommitCounter(second);

        await CompleteBehindTheGateAsync(a, b);

        Assert.Equal(1, commitsA.Count + commitsB.Count);
        Assert.All(a.Outcomes.Concat(b.Outcomes), o => Assert.True(o.Stored));
        await using var check = _bed.ForTenant();
        Assert.Equal(2, (await check.Series.SingleAsync(s => s.SeriesInstanceUid == "1.2.6.1.1")).NumberOfInstances);
        Assert.Equal(2, (await check.Studies.SingleAsync(s => s.StudyInstanceUid == "1.2.6.1")).NumberOfInstances);
        Assert.Equal(["1 stored, 0 failed", "1 stored, 0 failed"], await check.AuditEvents.Select(e => e.Detail).ToListAsync());
        Assert.Equal(0, _bed.Queue.Waiting(_bed.Tenant.Id));
    }

    [Fact]
    public async Task A_bad_instance_of_another_request_in_the_group_costs_neither_request_its_good_instances()
    {
        await StoreTwoStudiesAsync("1.2.7");
        await using var first = _bed.ForTenant();
        await using var second = _bed.ForTenant();
        var (good, mixed) = (Session(first), Session(second));
        await AddAsync(good, "1.2.7.1", "1.2.7.1.1", "1.2.7.1.1.2");
        var bad = await AddAsync(mixed, "1.2.7.2", "1.2.7.1.1", "1.2.7.2.9.9"); // names a series of the other study
        await AddAsync(mixed, "1.2.7.2", "1.2.7.2.1", "1.2.7.2.1.2");

        await CompleteBehindTheGateAsync(good, mixed);

        Assert.True(good.Outcomes.Single().Stored);
        Assert.Equal([false, true], mixed.Outcomes.Select(o => o.Stored));
        Assert.Null(await _bed.Blobs.GetInfoAsync(Container, bad));
        await using var check = _bed.ForTenant();
        Assert.Equal(["1.2.7.1.1.1", "1.2.7.1.1.2", "1.2.7.2.1.1", "1.2.7.2.1.2"],
            (await check.Instances.Select(i => i.SopInstanceUid).ToListAsync()).Order(StringComparer.Ordinal));
        Assert.Equal(2, (await check.Series.SingleAsync(s => s.SeriesInstanceUid == "1.2.7.1.1")).NumberOfInstances);
        Assert.Equal(["1 stored, 0 failed", "1 stored, 1 failed", "2 stored, 0 failed"],
            (await check.AuditEvents.Select(e => e.Detail).ToListAsync()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_queue_hands_a_tenant_only_its_own_units()
    {
        var queue = new IndexCommitQueue();
        var (tenantA, tenantB) = (Guid.NewGuid(), Guid.NewGuid());
        var (a1, b1, a2) = (new CommitUnit([], null), new CommitUnit([], null), new CommitUnit([], null));
        queue.Enqueue(tenantA, a1);
        queue.Enqueue(tenantB, b1);
        queue.Enqueue(tenantA, a2);

        Assert.Equal([a1, a2], queue.TakeAll(tenantA));
        Assert.Empty(queue.TakeAll(tenantA));
        Assert.Equal([b1], queue.TakeAll(tenantB));
    }

    /// <summary>Two studies of one series and one instance each, stored and committed: {prefix}.1 and {prefix}.2.</summary>
    private async Task StoreTwoStudiesAsync(string prefix)
    {
        await using var setup = _bed.ForTenant();
        var earlier = Session(setup);
        await AddAsync(earlier, $"{prefix}.1", $"{prefix}.1.1", $"{prefix}.1.1.1");
        await AddAsync(earlier, $"{prefix}.2", $"{prefix}.2.1", $"{prefix}.2.1.1");
        await earlier.CompleteAsync(Describe, CancellationToken.None);
    }

    /// <summary>
    /// Completes both requests while another writer holds the gate: both units wait in the queue, and the next holder
    /// of the gate commits them together.
    /// </summary>
    private async Task CompleteBehindTheGateAsync(StoreSession a, StoreSession b)
    {
        Task completeA, completeB;
        await using (var holder = _bed.ForTenant())
        using (await _bed.Gate.EnterAsync(holder, CancellationToken.None))
        {
            completeA = a.CompleteAsync(Describe, CancellationToken.None);
            completeB = b.CompleteAsync(Describe, CancellationToken.None);
            await WaitUntilAsync(() => _bed.Queue.Waiting(_bed.Tenant.Id) == 2);
        }
        await Task.WhenAll(completeA, completeB);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition(), "The condition did not become true within 5 s.");
    }

    [Fact]
    public async Task Abandoning_a_request_removes_the_blobs_of_its_uncommitted_instances()
    {
        await using var db = _bed.ForTenant();
        var session = Session(db);
        var key = await AddAsync(session, "1.2.5.1", "1.2.5.1.1", "1.2.5.1.1.1");
        Assert.NotNull(await _bed.Blobs.GetInfoAsync(Container, key));

        await session.AbandonAsync();

        Assert.Null(await _bed.Blobs.GetInfoAsync(Container, key));
        Assert.Equal(0, await db.Instances.CountAsync());
    }

    private StoreSession Session(DrimCloudDbContext db) => _bed.Session(db);

    /// <summary>Stores a small blob and hands its rows to the session, as the ingestor does; returns the blob key.</summary>
    private async Task<string> AddAsync(StoreSession session, string study, string series, string sop)
    {
        var key = Domain.Imaging.Instance.BlobKeyFor(study, series, sop);
        var blob = await _bed.Blobs.CreateAsync(Container, key, new MemoryStream([1, 2, 3, 4]));
        var header = new InstanceHeader
        {
            SopClassUid = "1.2.840.10008.5.1.4.1.1.7", SopInstanceUid = sop, StudyInstanceUid = study, SeriesInstanceUid = series,
            TransferSyntaxUid = "1.2.840.10008.1.2.1", Modality = "OT", PatientId = "P1",
        };
        var metadata = new InstanceMetadata([0x1f, 0x8b], null, "{}", "{}");
        await session.AddStoredAsync(Container, header, new StoredInstance(blob.Key, blob.Length, blob.Sha256, null, metadata), replace: false, CancellationToken.None);
        return key;
    }

    private static AuditEvent Describe(IReadOnlyList<StoreOutcome> outcomes)
    {
        var stored = outcomes.Count(o => o.Stored);
        return new AuditEvent
        {
            Actor = "test", ActorType = "forwarder", Action = "instance.store",
            Outcome = stored == outcomes.Count ? AuditOutcome.Success : "partial",
            Detail = $"{stored} stored, {outcomes.Count - stored} failed",
        };
    }

    /// <summary>Counts the transactions one context commits (EF's diagnostic events).</summary>
    private sealed class CommitCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly DbContext _context;
        private readonly List<IDisposable> _subscriptions = [];
        private int _count;

        public CommitCounter(DbContext context)
        {
            _context = context;
            _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
        }

        public int Count => _count;

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == DbLoggerCategory.Name) _subscriptions.Add(value.Subscribe(this));
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == RelationalEventId.TransactionCommitted.Name && value.Value is TransactionEndEventData data && data.Context == _context)
                Interlocked.Increment(ref _count);
        }

        public void OnCompleted() { }
        public void OnError(Exception error) { }

        public void Dispose()
        {
            foreach (var s in _subscriptions) s.Dispose();
        }
    }
}
