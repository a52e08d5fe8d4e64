namespace DrimCloud.Data;

/// <summary>
/// Creates contexts for an explicit tenant, outside the request's own scope: background jobs that walk every tenant,
/// and the few platform operations (token issue, seeding) that act for a tenant they just looked up.
/// </summary>
public interface ITenantScopedDbContextFactory
{
    DrimCloudDbContext Create(Guid tenantId);

    /// <summary>A context that sees no tenant-owned row: for platform tables (tenants, identity) only.</summary>
    DrimCloudDbContext CreateUnscoped();
}

internal sealed class TenantScopedDbContextFactory(Func<ITenantContext, DrimCloudDbContext> create) : ITenantScopedDbContextFactory
{
    public DrimCloudDbContext Create(Guid tenantId) => create(TenantContext.For(tenantId));

    public DrimCloudDbContext CreateUnscoped() => create(TenantContext.None());
}
