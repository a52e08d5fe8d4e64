using System.Security.Claims;
using System.Security.Cryptography;
using DrimCloud.Api.DicomWeb.Retrieve;
using DrimCloud.Api.Infrastructure;
using DrimCloud.Data;
using DrimCloud.Domain.Audit;
using DrimCloud.Domain.Imaging;
using DrimCloud.Domain.Tenants;
using DrimCloud.Storage;
using DrimCloud.Storage.FileSystem;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace DrimCloud.Api.Tests.Retrieve;

/// <summary>
/// The WADO-RS retrieve is audited when it ends, with what happened: a full retrieve as a success, a client that
/// goes away as a failure that says how many instances it received. Runs the real handler on SQLite and file blobs.
/// </summary>
public sealed class RetrieveAuditTests : IAsyncLifetime
{
    private const int InstanceSize = 300_000;
    private const int InstanceCount = 8;
    private const string StudyUid = "1.2.826.0.1.3680043.8.498.1";
    private const string SeriesUid = StudyUid + ".1";

    private readonly string _connectionString = $"Data Source=retrieve-{Guid.NewGuid():N};Mode=Memory;Cache=Shared";
    private readonly string _blobRoot = Path.Combine(Path.GetTempPath(), $"drimcloud-retrieve-{Guid.NewGuid():N}");
    private SqliteConnection _keepAlive = null!;
    private Func<ITenantContext, DrimCloudDbContext> _create = null!;
    private FileSystemBlobStore _blobs = null!;
    private Tenant _tenant = null!;
    // What writing a problem details response needs from the request's services.
    private static readonly IServiceProvider Services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();

    public async Task InitializeAsync()
    {
        _keepAlive = new SqliteConnection(_connectionString);
        await _keepAlive.OpenAsync();
        _create = DataServiceCollectionExtensions.ContextFactory(DatabaseProvider.Sqlite, _connectionString);
        await using (var platform = _create(TenantContext.None()))
        {
            await platform.Database.MigrateAsync();
            _tenant = new Tenant { Slug = "retrieve", DisplayName = "Retrieve" };
            platform.Tenants.Add(_tenant);
            await platform.SaveChangesAsync();
        }
        _blobs = new FileSystemBlobStore(_blobRoot);
        await using var db = _create(TenantContext.For(_tenant.Id));
        var series = new Series { SeriesInstanceUid = SeriesUid, Study = new Study { StudyInstanceUid = StudyUid } };
        for (var n = 1; n <= InstanceCount; n++)
        {
            var sop = $"{SeriesUid}.{n}";
            var key = Instance.BlobKeyFor(StudyUid, SeriesUid, sop);
            var bytes = RandomNumberGenerator.GetBytes(InstanceSize);
            var blob = await _blobs.CreateAsync(BlobNames.ContainerFor(_tenant.Id), key, new MemoryStream(bytes));
            db.Instances.Add(new Instance
            {
                SopInstanceUid = sop, SopClassUid = "1.2.840.10008.5.1.4.1.1.2", TransferSyntaxUid = "1.2.840.10008.1.2.1",
                Sha256 = blob.Sha256, BlobKey = key, InstanceNumber = n, SizeBytes = bytes.Length, Series = series,
            });
        }
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _keepAlive.DisposeAsync();
        try { Directory.Delete(_blobRoot, recursive: true); }
        catch (IOException) { }
    }

    [Fact]
    public async Task A_complete_retrieve_is_audited_as_a_success_after_the_last_byte()
    {
        using var body = new MemoryStream();
        var http = Request(body, new CancellationTokenSource());
        await using var db = _create(TenantContext.For(_tenant.Id));
        await Handler(db, http).HandleAsync(http, StudyUid, SeriesUid, null);

        Assert.Equal(StatusCodes.Status200OK, http.Response.StatusCode);
        Assert.Equal(body.Length, http.Response.ContentLength);
        Assert.Contains("multipart/related", http.Response.ContentType, StringComparison.Ordinal);
        var audit = Assert.Single(await AuditRowsAsync());
        Assert.Equal(("instance.retrieve", SeriesUid, AuditOutcome.Success, $"{InstanceCount} instance(s)"), (audit.Action, audit.Resource, audit.Outcome, audit.Detail));
        Assert.Equal("viewer-1", audit.Actor);
    }

    [Fact]
    public async Task A_client_that_goes_away_is_audited_as_a_failure_with_how_much_it_received()
    {
        using var aborted = new CancellationTokenSource();
        // The peer disappears in the middle of the fourth instance: Kestrel then cancels RequestAborted.
        using var body = new AbortingStream(InstanceSize * 3 + InstanceSize / 2, aborted);
        var http = Request(body, aborted);
        await using var db = _create(TenantContext.For(_tenant.Id));
        await Handler(db, http).HandleAsync(http, StudyUid, SeriesUid, null);

        var audit = Assert.Single(await AuditRowsAsync());
        Assert.Equal(AuditOutcome.Failed, audit.Outcome);
        Assert.Matches($"^aborted by the client after [23] of {InstanceCount} instance\\(s\\)$", audit.Detail);
    }

    [Fact]
    public async Task An_unknown_series_is_audited_as_not_found()
    {
        var http = Request(new MemoryStream(), new CancellationTokenSource());
        await using var db = _create(TenantContext.For(_tenant.Id));
        await Handler(db, http).HandleAsync(http, StudyUid, "1.2.3.404", null);
        Assert.Equal(StatusCodes.Status404NotFound, http.Response.StatusCode);
        Assert.Equal((AuditOutcome.Failed, "not found"), Assert.Single(await AuditRowsAsync()) is var a ? (a.Outcome, a.Detail) : default);
    }

    private InstanceRetrieval Handler(DrimCloudDbContext db, HttpContext http)
    {
        var audit = new AuditLog(new Contexts(_create), new HttpContextAccessor { HttpContext = http }, NullLogger<AuditLog>.Instance);
        return new InstanceRetrieval(db, _blobs, TenantContext.For(_tenant.Id), audit, NullLogger<InstanceRetrieval>.Instance);
    }

    private DefaultHttpContext Request(Stream body, CancellationTokenSource aborted)
    {
        var http = new DefaultHttpContext { RequestAborted = aborted.Token, RequestServices = Services };
        http.Request.Headers.Accept = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
        http.Response.Body = body;
        http.Items[typeof(Tenant)] = _tenant;
        http.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "viewer-1")], "test"));
        return http;
    }

    private async Task<List<AuditEvent>> AuditRowsAsync()
    {
        await using var db = _create(TenantContext.For(_tenant.Id));
        return await db.AuditEvents.AsNoTracking().ToListAsync();
    }

    private sealed class Contexts(Func<ITenantContext, DrimCloudDbContext> create) : ITenantScopedDbContextFactory
    {
        public DrimCloudDbContext Create(Guid tenantId) => create(TenantContext.For(tenantId));
        public DrimCloudDbContext CreateUnscoped() => create(TenantContext.None());
    }

    /// <summary>A response body whose client disconnects after some bytes, as Kestrel reports it.</summary>
    private sealed class AbortingStream(long allowed, CancellationTokenSource aborted) : MemoryStream
    {
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Length + buffer.Length > allowed)
            {
                aborted.Cancel();
                throw new OperationCanceledException(aborted.Token);
            }
            return base.WriteAsync(buffer, cancellationToken);
        }
    }
}
