using System.Collections.Concurrent;
using DrimCloud.Data;
using DrimCloud.Domain.Tenants;
using Microsoft.EntityFrameworkCore;

namespace DrimCloud.Api.Infrastructure;

/// <summary>
/// Tenants by slug, kept for a short while: every <c>/tenants/{slug}/…</c> request needs its tenant, and reading it
/// from the database each time was one query (and one connection open) per STOW-RS instance. Tenants are never
/// deleted and their settings change rarely, so a copy at most <see cref="Lifetime"/> old is safe; an unknown slug is
/// never cached, so a tenant created a moment ago is found at once.
/// </summary>
public sealed class TenantDirectory(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (Tenant Tenant, DateTimeOffset Until)> _bySlug = new(StringComparer.Ordinal);

    /// <summary>The tenant, or null when none has this slug. The returned object is shared: callers must not change it.</summary>
    public async Task<Tenant?> FindAsync(DrimCloudDbContext db, string slug, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_bySlug.TryGetValue(slug, out var cached) && cached.Until > now) return cached.Tenant;
        var tenant = await db.Tenants.AsNoTracking().SingleOrDefaultAsync(t => t.Slug == slug, cancellationToken);
        if (tenant is null)
        {
            _bySlug.TryRemove(slug, out _);
            return null;
        }
        _bySlug[slug] = (tenant, now + Lifetime);
        return tenant;
    }

    /// <summary>Forgets a tenant whose settings this process just changed.</summary>
    public void Forget(string slug) => _bySlug.TryRemove(slug, out _);
}
