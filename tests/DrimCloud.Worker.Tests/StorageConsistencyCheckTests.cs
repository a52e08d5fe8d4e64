using DrimCloud.Data;
using DrimCloud.Domain.Imaging;
using DrimCloud.Domain.Tenants;
using DrimCloud.Storage;
using DrimCloud.Storage.FileSystem;
using DrimCloud.Worker.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace DrimCloud.Worker.Tests;

public sealed class StorageConsistencyCheckTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"drimcloud-consistency-{Guid.NewGuid():N}");
    private Func<ITenantContext, DrimCloudDbContext> _create = null!;
    private FileSystemBlobStore _blobs = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        _create = DataServiceCollectionExtensions.ContextFactory(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(_root, "db.sqlite")};Pooling=False");
        await using var db = _create(TenantContext.None());
        await db.Database.MigrateAsync();
        _blobs = new FileSystemBlobStore(Path.Combine(_root, "blobs"));
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Reports_orphan_blobs_and_rows_without_blob_per_tenant()
    {
        var a = await TenantAsync("hospital-a");
        var b = await TenantAsync("hospital-b");
        await IndexedInstanceAsync(a, "1.1", withBlob: true);
        await IndexedInstanceAsync(a, "1.2", withBlob: false);           // row without blob: data loss
        await OldBlobAsync(a, "9.9/9.9/9.9", TimeSpan.FromDays(2));      // blob without row: orphan
        await OldBlobAsync(a, "8.8/8.8/8.8", TimeSpan.FromMinutes(1));  // recent: an ingest may still be writing its row
        await IndexedInstanceAsync(b, "1.1", withBlob: true);            // same UIDs, other tenant, consistent

        var check = new StorageConsistencyCheck(new Factory(_create), _blobs, NullLogger<StorageConsistencyCheck>.Instance);
        var reports = (await check.RunAsync(CancellationToken.None)).ToDictionary(r => r.Tenant);

        Assert.Equal(["9.9/9.9/9.9"], reports["hospital-a"].OrphanBlobs);
        Assert.Equal([Instance.BlobKeyFor("1", "1.2", "1.2.1")], reports["hospital-a"].MissingBlobs);
        Assert.Equal(2, reports["hospital-a"].IndexedInstances);
        Assert.Equal(3, reports["hospital-a"].Blobs);
        Assert.Empty(reports["hospital-b"].OrphanBlobs);
        Assert.Empty(reports["hospital-b"].MissingBlobs);
    }

    private async Task<Guid> TenantAsync(string slug)
    {
        await using var db = _create(TenantContext.None());
        var tenant = new Tenant { Slug = slug, DisplayName = slug };
        db.Tenants.Add(tenant);
        await db.SaveChangesAsync();
        return tenant.Id;
    }

    private async Task IndexedInstanceAsync(Guid tenant, string seriesUid, bool withBlob)
    {
        var sop = seriesUid + ".1";
        var key = Instance.BlobKeyFor("1", seriesUid, sop);
        await using var db = _create(TenantContext.For(tenant));
        var study = await db.Studies.SingleOrDefaultAsync() ?? new Study { StudyInstanceUid = "1" };
        var series = new Series { SeriesInstanceUid = seriesUid, Study = study };
        series.Instances.Add(new Instance { SopInstanceUid = sop, SopClassUid = "1.2", TransferSyntaxUid = "1.2.840.10008.1.2.1", Sha256 = new string('0', 64), BlobKey = key });
        db.Series.Add(series);
        await db.SaveChangesAsync();
        if (withBlob) await _blobs.CreateAsync(BlobNames.ContainerFor(tenant), key, new MemoryStream([1, 2, 3]));
    }

    private async Task OldBlobAsync(Guid tenant, string key, TimeSpan age)
    {
        await _blobs.CreateAsync(BlobNames.ContainerFor(tenant), key, new MemoryStream([4]));
        File.SetLastWriteTimeUtc(Path.Combine(_blobs.Root, BlobNames.ContainerFor(tenant), key), DateTime.UtcNow - age);
    }

    private sealed class Factory(Func<ITenantContext, DrimCloudDbContext> create) : ITenantScopedDbContextFactory
    {
        public DrimCloudDbContext Create(Guid tenantId) => create(TenantContext.For(tenantId));
        public DrimCloudDbContext CreateUnscoped() => create(TenantContext.None());
    }
}
