using DrimCloud.Api.DicomWeb.Store;
using DrimCloud.Api.Infrastructure;
using DrimCloud.Data;
using DrimCloud.Domain.Tenants;
using DrimCloud.Storage;
using DrimCloud.Storage.FileSystem;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace DrimCloud.Api.Tests.Store;

/// <summary>What the store tests run on: a migrated SQLite index with one tenant and file blobs, in a throw-away folder.</summary>
public sealed class StoreTestBed : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"drimcloud-store-{Guid.NewGuid():N}");

    public Func<ITenantContext, DrimCloudDbContext> Create { get; private set; } = null!;
    public Tenant Tenant { get; private set; } = null!;
    public FileSystemBlobStore Blobs { get; private set; } = null!;
    public string Container => BlobNames.ContainerFor(Tenant.Id);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        Create = DataServiceCollectionExtensions.ContextFactory(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(_folder, "index.db")};Pooling=False");
        await using var platform = Create(TenantContext.None());
        await platform.Database.MigrateAsync();
        Tenant = new Tenant { Slug = "store-test", DisplayName = "Store test" };
        platform.Tenants.Add(Tenant);
        await platform.SaveChangesAsync();
        Blobs = new FileSystemBlobStore(Path.Combine(_folder, "blobs"));
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    public DrimCloudDbContext ForTenant() => Create(TenantContext.For(Tenant.Id));

    /// <summary>An audit log writing into this tenant, as a request of it would.</summary>
    public AuditLog Audit()
    {
        var http = new DefaultHttpContext();
        http.Items[typeof(Tenant)] = Tenant;
        return new AuditLog(new Contexts(Create), new HttpContextAccessor { HttpContext = http }, NullLogger<AuditLog>.Instance);
    }

    /// <summary>A request's unit of work on the given context, wired as the API wires it.</summary>
    public StoreSession Session(DrimCloudDbContext db, AuditLog? audit = null) =>
        new(db, new InstanceIndexWriter(db, Gate, NullLogger<InstanceIndexWriter>.Instance), Blobs, Gate, Queue,
            audit ?? Audit(), NullLogger<StoreSession>.Instance);

    /// <summary>The API's singletons: one write gate and one commit queue shared by every request (session).</summary>
    public SqliteWriteGate Gate { get; } = new();

    public IndexCommitQueue Queue { get; } = new();

    private sealed class Contexts(Func<ITenantContext, DrimCloudDbContext> create) : ITenantScopedDbContextFactory
    {
        public DrimCloudDbContext Create(Guid tenantId) => create(TenantContext.For(tenantId));
        public DrimCloudDbContext CreateUnscoped() => create(TenantContext.None());
    }
}
