namespace DrimCloud.Data;

/// <summary>
/// The tenant the current unit of work runs for. A request gets it from its route once the caller's token has
/// been checked; background jobs set it explicitly per tenant. No tenant means no tenant-owned row is visible.
/// </summary>
public interface ITenantContext
{
    Guid? TenantId { get; }
}

/// <summary>A settable tenant context, registered scoped: one per request or per job step.</summary>
public sealed class TenantContext : ITenantContext
{
    public Guid? TenantId { get; private set; }

    public void Set(Guid tenantId)
    {
        if (TenantId is { } current && current != tenantId)
            throw new InvalidOperationException("The tenant of a unit of work cannot change once set.");
        TenantId = tenantId;
    }

    public static TenantContext For(Guid tenantId)
    {
        var context = new TenantContext();
        context.Set(tenantId);
        return context;
    }

    /// <summary>A context with no tenant: tenant-owned rows are invisible, only platform tables are usable.</summary>
    public static TenantContext None() => new();
}
