using DrimCloud.Data;
using DrimCloud.Storage;
using Microsoft.EntityFrameworkCore;

namespace DrimCloud.Worker.Jobs;

/// <summary>What the consistency check found in one tenant.</summary>
public sealed record TenantConsistency(string Tenant, int IndexedInstances, int Blobs, IReadOnlyList<string> OrphanBlobs, IReadOnlyList<string> MissingBlobs);

/// <summary>
/// Daily check that the index and the blob store agree, tenant by tenant: blobs that no Instance row references
/// (orphans, e.g. left by an interrupted ingest) and Instance rows whose blob is gone (data loss: an alert).
/// It only reports; repairing is a deliberate operator action.
/// </summary>
public sealed class StorageConsistencyCheck(ITenantScopedDbContextFactory contexts, IBlobStore blobs, ILogger<StorageConsistencyCheck> logger)
{
    /// <summary>Blobs younger than this may belong to an ingest that has not written its index row yet.</summary>
    public static readonly TimeSpan InFlightGrace = TimeSpan.FromHours(1);

    public const string RecurringJobId = "storage-consistency-check";

    public async Task<IReadOnlyList<TenantConsistency>> RunAsync(CancellationToken cancellationToken)
    {
        List<(Guid Id, string Slug)> tenants;
        await using (var platform = contexts.CreateUnscoped())
            tenants = (await platform.Tenants.AsNoTracking().Select(t => new { t.Id, t.Slug }).ToListAsync(cancellationToken))
                .Select(t => (t.Id, t.Slug)).ToList();

        var reports = new List<TenantConsistency>();
        foreach (var (id, slug) in tenants)
        {
            reports.Add(await CheckTenantAsync(id, slug, cancellationToken));
        }
        return reports;
    }

    public async Task<TenantConsistency> CheckTenantAsync(Guid tenantId, string slug, CancellationToken cancellationToken)
    {
        HashSet<string> indexed;
        await using (var db = contexts.Create(tenantId))
            indexed = new HashSet<string>(await db.Instances.AsNoTracking().Select(i => i.BlobKey).ToListAsync(cancellationToken), StringComparer.Ordinal);

        var orphans = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var cutoff = DateTimeOffset.UtcNow - InFlightGrace;
        var count = 0;
        await foreach (var blob in blobs.ListAsync(BlobNames.ContainerFor(tenantId), "", cancellationToken))
        {
            if (blob.Key.StartsWith(BlobNames.DerivedPrefix, StringComparison.Ordinal)) continue; // caches, not instances
            count++;
            if (indexed.Contains(blob.Key)) seen.Add(blob.Key);
            else if (blob.LastModified < cutoff) orphans.Add(blob.Key);
        }
        var missing = indexed.Where(k => !seen.Contains(k)).Order(StringComparer.Ordinal).ToList();

        if (orphans.Count > 0)
            logger.LogWarning("Tenant {Tenant}: {Count} orphan blob(s) with no index row, e.g. {Example}.", slug, orphans.Count, orphans[0]);
        if (missing.Count > 0)
            logger.LogError("Tenant {Tenant}: {Count} indexed instance(s) have no blob, e.g. {Example}.", slug, missing.Count, missing[0]);
        logger.LogInformation("Tenant {Tenant}: {Indexed} indexed instance(s), {Blobs} blob(s), {Orphans} orphan(s), {Missing} missing.",
            slug, indexed.Count, count, orphans.Count, missing.Count);
        return new TenantConsistency(slug, indexed.Count, count, orphans, missing);
    }
}
