using System.Linq.Expressions;
using DrimCloud.Domain;
using DrimCloud.Domain.Audit;
using DrimCloud.Domain.Forwarders;
using DrimCloud.Domain.Imaging;
using DrimCloud.Domain.Patients;
using DrimCloud.Domain.Reports;
using DrimCloud.Domain.Tenants;
using Microsoft.EntityFrameworkCore;

namespace DrimCloud.Data;

/// <summary>
/// The platform database. Every tenant-owned entity gets a global query filter on the current tenant, so a query,
/// a count or a navigation can only ever see the rows of the tenant the context was created for.
/// Provider-specific subclasses exist only so each provider keeps its own migrations.
/// <para>
/// Contexts are pooled (creating one per request was a tenth of a one-instance store's index work), so the tenant is
/// not a constructor argument: whoever hands a context out sets it with <see cref="UseTenant"/>, and disposing the
/// context (which returns it to the pool) puts it back to no tenant. A context nobody set a tenant on sees no
/// tenant-owned row and cannot write one.
/// </para>
/// </summary>
public abstract class DrimCloudDbContext(DbContextOptions options) : DbContext(options)
{
    private ITenantContext _tenant = NoTenant.Instance;

    /// <summary>The tenant this context works for until it is disposed; set once per use, before any query.</summary>
    public DrimCloudDbContext UseTenant(ITenantContext tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        _tenant = tenant;
        return this;
    }

    public override void Dispose()
    {
        _tenant = NoTenant.Instance;
        base.Dispose();
    }

    public override ValueTask DisposeAsync()
    {
        _tenant = NoTenant.Instance;
        return base.DisposeAsync();
    }

    /// <summary>Read by the query filters on every query (EF parameterises it per context instance).</summary>
    public Guid? CurrentTenantId => _tenant.TenantId;

    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<TenantClient> Clients => Set<TenantClient>();
    public DbSet<Patient> Patients => Set<Patient>();
    public DbSet<Study> Studies => Set<Study>();
    public DbSet<Series> Series => Set<Series>();
    public DbSet<Instance> Instances => Set<Instance>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<ForwarderStatus> ForwarderStatuses => Set<ForwarderStatus>();
    public DbSet<ForwarderCommand> ForwarderCommands => Set<ForwarderCommand>();
    public DbSet<Report> Reports => Set<Report>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(DrimCloudDbContext).Assembly);
        modelBuilder.UseOpenIddict();

        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            if (typeof(ITenantOwned).IsAssignableFrom(entity.ClrType))
                modelBuilder.Entity(entity.ClrType).HasQueryFilter(TenantFilter(entity.ClrType));
        }
    }

    // e => e.TenantId == this.CurrentTenantId  (false for every row when no tenant is set)
    private LambdaExpression TenantFilter(Type entityType)
    {
        var row = Expression.Parameter(entityType, "e");
        var rowTenant = Expression.Convert(Expression.Property(row, nameof(ITenantOwned.TenantId)), typeof(Guid?));
        var current = Expression.Property(Expression.Constant(this), nameof(CurrentTenantId));
        return Expression.Lambda(Expression.Equal(rowTenant, current), row);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampAndGuardTenant();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampAndGuardTenant();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    // New rows without a tenant get the context's; any write to another tenant's row is refused.
    private void StampAndGuardTenant()
    {
        foreach (var entry in ChangeTracker.Entries<ITenantOwned>())
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached) continue;
            if (entry.State == EntityState.Added && entry.Entity.TenantId == Guid.Empty && CurrentTenantId is { } tenantId)
                entry.Entity.TenantId = tenantId;
            if (entry.Entity.TenantId != CurrentTenantId)
                throw new CrossTenantWriteException(entry.Metadata.ClrType.Name, entry.Entity.TenantId, CurrentTenantId);
        }
    }
}

/// <summary>The tenant of a context that was given none: no tenant-owned row is visible or writable.</summary>
file sealed class NoTenant : ITenantContext
{
    public static readonly NoTenant Instance = new();

    public Guid? TenantId => null;
}
