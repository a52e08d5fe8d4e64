using DrimCloud.Domain.Audit;
using DrimCloud.Domain.Imaging;
using DrimCloud.Domain.Patients;
using DrimCloud.Domain.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DrimCloud.Data.Tests;

/// <summary>
/// The tenant filter, proven on each real provider: a context scoped to tenant A never sees, counts or reaches
/// through a navigation any row of tenant B, even when B's rows carry the same DICOM UIDs, and cannot write them.
/// </summary>
public abstract class TenantIsolationTests<TFixture>(TFixture db) : IAsyncLifetime where TFixture : DatabaseFixture
{
    private const string SharedStudyUid = "1.2.826.0.1.3680043.8.498.1";
    private Guid _a;
    private Guid _b;

    protected virtual void RequirePeer() { }

    public async Task InitializeAsync()
    {
        if (string.IsNullOrEmpty(db.ConnectionString)) return;
        await using var platform = db.Unscoped();
        var a = new Tenant { Slug = $"a-{Guid.NewGuid():N}"[..20], DisplayName = "A" };
        var b = new Tenant { Slug = $"b-{Guid.NewGuid():N}"[..20], DisplayName = "B" };
        platform.Tenants.AddRange(a, b);
        await platform.SaveChangesAsync();
        (_a, _b) = (a.Id, b.Id);
        await SeedStudyAsync(_a, "A", instances: 2);
        await SeedStudyAsync(_b, "B", instances: 3);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    // Both tenants hold a study with the SAME Study/Series/SOP Instance UIDs: they must stay independent.
    private async Task SeedStudyAsync(Guid tenant, string name, int instances)
    {
        await using var ctx = db.For(tenant);
        var patient = new Patient { LocalPatientId = $"IPP-{name}", LocalIdIssuer = "HOSP", BirthFamilyName = $"FAMILY{name}" };
        var study = new Study { StudyInstanceUid = SharedStudyUid, PatientName = $"PATIENT^{name}", Patient = patient, NumberOfSeries = 1, NumberOfInstances = instances };
        var series = new Series { SeriesInstanceUid = SharedStudyUid + ".1", Modality = "CT", Study = study };
        for (var i = 0; i < instances; i++)
        {
            var sop = $"{SharedStudyUid}.1.{i}";
            series.Instances.Add(new Instance
            {
                SopInstanceUid = sop, SopClassUid = "1.2.840.10008.5.1.4.1.1.2", TransferSyntaxUid = "1.2.840.10008.1.2.1",
                Sha256 = new string('a', 64), BlobKey = Instance.BlobKeyFor(study.StudyInstanceUid, series.SeriesInstanceUid, sop), SizeBytes = 10,
            });
        }
        ctx.AddRange(patient, study, series);
        ctx.AuditEvents.Add(new AuditEvent { Actor = "test", ActorType = "system", Action = "seed", Outcome = AuditOutcome.Success });
        await ctx.SaveChangesAsync();
    }

    [SkippableFact]
    public async Task Queries_and_counts_see_only_the_current_tenant()
    {
        RequirePeer();
        await using var ctx = db.For(_a);
        Assert.Equal(1, await ctx.Studies.CountAsync());
        Assert.Equal(1, await ctx.Series.CountAsync());
        Assert.Equal(2, await ctx.Instances.CountAsync());
        Assert.Equal(2, await ctx.Instances.LongCountAsync());
        Assert.Equal(1, await ctx.Patients.CountAsync());
        Assert.Equal(1, await ctx.AuditEvents.CountAsync());
        Assert.Equal("PATIENT^A", (await ctx.Studies.SingleAsync(s => s.StudyInstanceUid == SharedStudyUid)).PatientName);
        Assert.False(await ctx.Patients.AnyAsync(p => p.LocalPatientId == "IPP-B"));
        Assert.Equal(2, await ctx.Studies.SumAsync(s => s.NumberOfInstances));
        Assert.All(await ctx.Instances.ToListAsync(), i => Assert.Equal(_a, i.TenantId));
    }

    [SkippableFact]
    public async Task Navigations_and_includes_do_not_reach_another_tenant()
    {
        RequirePeer();
        await using var ctx = db.For(_a);
        var study = await ctx.Studies.Include(s => s.Series).ThenInclude(s => s.Instances).SingleAsync();
        Assert.Equal(2, study.Series.Single().Instances.Count);
        Assert.Equal(2, await ctx.Studies.SelectMany(s => s.Series).SelectMany(s => s.Instances).CountAsync());
        Assert.Equal(2, await ctx.Series.Select(s => s.Instances.Count).SingleAsync());
        Assert.Equal(1, await ctx.Patients.Select(p => p.Studies.Count).SingleAsync());
        var viaInstance = await ctx.Instances.Select(i => i.Series!.Study!.PatientName).Distinct().ToListAsync();
        Assert.Equal(["PATIENT^A"], viaInstance);
    }

    [SkippableFact]
    public async Task A_row_wrongly_linked_across_tenants_stays_invisible()
    {
        RequirePeer();
        // A defect elsewhere links one of B's series under A's study: A must still not see it.
        Guid studyOfA;
        await using (var ctxA = db.For(_a)) studyOfA = (await ctxA.Studies.SingleAsync()).Id;
        await using (var ctxB = db.For(_b))
        {
            ctxB.Series.Add(new Series { SeriesInstanceUid = "9.9.9", StudyId = studyOfA, Modality = "MR" });
            await ctxB.SaveChangesAsync();
        }
        await using var ctx = db.For(_a);
        var study = await ctx.Studies.Include(s => s.Series).SingleAsync();
        Assert.DoesNotContain(study.Series, s => s.SeriesInstanceUid == "9.9.9");
        Assert.Equal(1, await ctx.Studies.Select(s => s.Series.Count).SingleAsync());
        var entry = ctx.Entry(study);
        entry.Collection(s => s.Series).IsLoaded = false;
        await entry.Collection(s => s.Series).LoadAsync();
        Assert.Single(study.Series);
    }

    [SkippableFact]
    public async Task Find_by_key_of_another_tenants_row_returns_nothing()
    {
        RequirePeer();
        Guid instanceOfB;
        await using (var ctxB = db.For(_b)) instanceOfB = (await ctxB.Instances.FirstAsync()).Id;
        await using var ctx = db.For(_a);
        Assert.Null(await ctx.Instances.FindAsync(instanceOfB));
        Assert.Null(await ctx.Instances.SingleOrDefaultAsync(i => i.Id == instanceOfB));
    }

    [SkippableFact]
    public async Task A_context_without_tenant_sees_no_tenant_owned_row()
    {
        RequirePeer();
        await using var ctx = db.Unscoped();
        Assert.Equal(0, await ctx.Studies.CountAsync());
        Assert.Equal(0, await ctx.Instances.CountAsync());
        Assert.Equal(0, await ctx.AuditEvents.CountAsync());
        Assert.True(await ctx.Tenants.CountAsync() >= 2); // platform tables are not tenant-owned
    }

    [SkippableFact]
    public async Task Writing_another_tenants_row_is_refused()
    {
        RequirePeer();
        await using var ctx = db.For(_a);
        ctx.Studies.Add(new Study { TenantId = _b, StudyInstanceUid = "1.2.3.4" });
        await Assert.ThrowsAsync<CrossTenantWriteException>(() => ctx.SaveChangesAsync());
    }

    [SkippableFact]
    public async Task New_rows_are_stamped_with_the_context_tenant()
    {
        RequirePeer();
        await using (var ctx = db.For(_a))
        {
            ctx.AuditEvents.Add(new AuditEvent { Actor = "t", ActorType = "system", Action = "stamp", Outcome = AuditOutcome.Success });
            await ctx.SaveChangesAsync();
        }
        await using var ctxB = db.For(_b);
        Assert.False(await ctxB.AuditEvents.AnyAsync(e => e.Action == "stamp"));
    }

    /// <summary>
    /// Request contexts come from a pool: one used by tenant A's scope and handed next to tenant B's scope sees only
    /// B's rows, and one handed out without a tenant (from the scope or straight from the pool) sees and writes none.
    /// </summary>
    [SkippableFact]
    public async Task A_pooled_context_never_carries_a_tenant_into_its_next_use()
    {
        RequirePeer();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = db.Provider.ToString(), ["Database:ConnectionString"] = db.ConnectionString,
        }).Build();
        await using var services = new ServiceCollection().AddDrimCloudData(configuration).BuildServiceProvider();

        DrimCloudDbContext usedByA;
        await using (var scope = services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(_a);
            usedByA = scope.ServiceProvider.GetRequiredService<DrimCloudDbContext>();
            Assert.Equal(2, await usedByA.Instances.CountAsync());
        }
        await using (var scope = services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(_b);
            var ctx = scope.ServiceProvider.GetRequiredService<DrimCloudDbContext>();
            Assert.Same(usedByA, ctx); // the pooled context was reused, so this checks the reset
            Assert.Equal(3, await ctx.Instances.CountAsync());
            Assert.All(await ctx.Studies.ToListAsync(), s => Assert.Equal("PATIENT^B", s.PatientName));
        }
        var rented = db.Provider switch
        {
            DatabaseProvider.Sqlite => Rent<Providers.SqliteDrimCloudDbContext>(services),
            DatabaseProvider.PostgreSql => Rent<Providers.PostgreSqlDrimCloudDbContext>(services),
            _ => Rent<Providers.SqlServerDrimCloudDbContext>(services),
        };
        await using (rented) // B's context, back in the pool
        {
            Assert.Null(rented.CurrentTenantId);
            Assert.Equal(0, await rented.Studies.CountAsync());
        }
        await using (var scope = services.CreateAsyncScope())
        {
            var ctx = scope.ServiceProvider.GetRequiredService<DrimCloudDbContext>();
            Assert.Null(ctx.CurrentTenantId);
            Assert.Equal(0, await ctx.Instances.CountAsync());
            ctx.AuditEvents.Add(new AuditEvent { Actor = "t", ActorType = "system", Action = "no-tenant", Outcome = AuditOutcome.Success });
            await Assert.ThrowsAsync<CrossTenantWriteException>(() => ctx.SaveChangesAsync());
        }
    }

    private static DrimCloudDbContext Rent<TContext>(IServiceProvider services) where TContext : DrimCloudDbContext =>
        services.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext();

    [SkippableFact]
    public async Task Same_uid_is_unique_per_tenant_not_globally()
    {
        RequirePeer();
        await using var ctx = db.For(_a);
        ctx.Studies.Add(new Study { StudyInstanceUid = SharedStudyUid });
        await Assert.ThrowsAsync<DbUpdateException>(() => ctx.SaveChangesAsync());
    }
}

public sealed class SqliteTenantIsolationTests(SqliteDatabase db)
    : TenantIsolationTests<SqliteDatabase>(db), IClassFixture<SqliteDatabase>;

public sealed class PostgreSqlTenantIsolationTests(PostgreSqlDatabase db)
    : TenantIsolationTests<PostgreSqlDatabase>(db), IClassFixture<PostgreSqlDatabase>
{
    private readonly PostgreSqlDatabase _db = db;
    protected override void RequirePeer() => _db.RequireServer();
}
