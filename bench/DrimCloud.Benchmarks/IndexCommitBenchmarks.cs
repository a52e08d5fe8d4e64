using BenchmarkDotNet.Attributes;
using DrimCloud.Api.DicomWeb.Store;
using DrimCloud.Api.Infrastructure;
using DrimCloud.Data;
using DrimCloud.Domain.Audit;
using DrimCloud.Domain.Tenants;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace DrimCloud.Benchmarks;

/// <summary>
/// The index side of STOW-RS: 64 one-instance requests into one series (each its own session and database context,
/// as in the API), sent by 1 or 4 concurrent clients, on a migrated SQLite index on disk (WAL, fsync per commit).
/// <c>Grouped</c> shares one <see cref="IndexCommitQueue"/> among the requests, as the API does, so concurrent
/// requests share a commit; without it each request commits alone (the API before the queue). Blobs are not written:
/// this measures only the rows, the recounts, the audit row and the commits.
/// </summary>
[MemoryDiagnoser]
public class IndexCommitBenchmarks
{
    private const int Requests = 64;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"drimcloud-index-bench-{Guid.NewGuid():N}");
    private Func<ITenantContext, DrimCloudDbContext> _create = null!;
    private Tenant _tenant = null!;
    private SqliteWriteGate _gate = null!;
    private IndexCommitQueue _queue = null!;
    // Only touched if a commit fails (its blobs are removed): nothing is written there.
    private Storage.FileSystem.FileSystemBlobStore _blobs = null!;
    private int _round;

    [Params(1, 4)]
    public int Clients { get; set; }

    [Params(false, true)]
    public bool Grouped { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Directory.CreateDirectory(_folder);
        _create = DataServiceCollectionExtensions.ContextFactory(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(_folder, "index.db")}");
        using var platform = _create(TenantContext.None());
        platform.Database.Migrate();
        _tenant = new Tenant { Slug = "bench", DisplayName = "Bench" };
        platform.Tenants.Add(_tenant);
        platform.SaveChanges();
        _gate = new SqliteWriteGate();
        _queue = new IndexCommitQueue();
        _blobs = new Storage.FileSystem.FileSystemBlobStore(Path.Combine(_folder, "blobs"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Requests)]
    public async Task OneInstanceRequests()
    {
        var round = Interlocked.Increment(ref _round);
        var next = -1;
        var clients = Enumerable.Range(0, Clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Requests) await StoreOneAsync(round, i);
        });
        await Task.WhenAll(clients);
    }

    private async Task StoreOneAsync(int round, int i)
    {
        await using var db = _create(TenantContext.For(_tenant.Id));
        var session = new StoreSession(db, new InstanceIndexWriter(db, _gate, NullLogger<InstanceIndexWriter>.Instance), _blobs,
            _gate, Grouped ? _queue : new IndexCommitQueue(), new AuditLog(new Contexts(_create), new HttpContextAccessor(), NullLogger<AuditLog>.Instance),
            NullLogger<StoreSession>.Instance);
        var (study, series) = ($"1.2.826.0.1.3680043.10.1.{round}", $"1.2.826.0.1.3680043.10.1.{round}.1");
        var header = new InstanceHeader
        {
            SopClassUid = "1.2.840.10008.5.1.4.1.1.2", SopInstanceUid = $"{series}.{i + 1}", StudyInstanceUid = study, SeriesInstanceUid = series,
            TransferSyntaxUid = "1.2.840.10008.1.2.1", Modality = "CT", PatientId = "P1", PatientName = "BENCH^INDEX", InstanceNumber = i + 1,
        };
        var metadata = new InstanceMetadata(new byte[2048], null, "{}", "{}");
        var stored = new StoredInstance($"{study}/{series}/{header.SopInstanceUid}", 530_000, new string('a', 64), null, metadata);
        await session.AddStoredAsync("bench", header, stored, replace: false, CancellationToken.None);
        await session.CompleteAsync(_ => new AuditEvent { Actor = "bench", ActorType = "client", Action = "instance.store", Outcome = AuditOutcome.Success },
            CancellationToken.None);
    }

    private sealed class Contexts(Func<ITenantContext, DrimCloudDbContext> create) : ITenantScopedDbContextFactory
    {
        public DrimCloudDbContext Create(Guid tenantId) => create(TenantContext.For(tenantId));
        public DrimCloudDbContext CreateUnscoped() => create(TenantContext.None());
    }
}
