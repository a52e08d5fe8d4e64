using DrimCloud.Api.DicomWeb.Common;
using DrimCloud.Api.DicomWeb.Retrieve;
using DrimCloud.Api.DicomWeb.Store;
using DrimCloud.Api.Infrastructure;
using DrimCloud.Data;
using DrimCloud.Domain.Audit;
using DrimCloud.Storage;
using Microsoft.EntityFrameworkCore;

namespace DrimCloud.Api.DicomWeb;

public static partial class DicomWebEndpoints
{
    public const string TenantAdministratorPolicy = "tenant-administrator";

    static partial void MapDelete(RouteGroupBuilder dicomweb)
    {
        dicomweb.MapDelete("/studies/{study}", (HttpContext http, string study, StudyDeletion deletion) => deletion.HandleAsync(http, study, null, null))
            .RequireAuthorization(TenantAdministratorPolicy);
        dicomweb.MapDelete("/studies/{study}/series/{series}", (HttpContext http, string study, string series, StudyDeletion deletion) => deletion.HandleAsync(http, study, series, null))
            .RequireAuthorization(TenantAdministratorPolicy);
        dicomweb.MapDelete("/studies/{study}/series/{series}/instances/{instance}", (HttpContext http, string study, string series, string instance, StudyDeletion deletion) => deletion.HandleAsync(http, study, series, instance))
            .RequireAuthorization(TenantAdministratorPolicy);
    }
}

/// <summary>
/// Deletes a study, a series or an instance of the current tenant (tenant administrators only, audited). The index
/// rows go first, in one transaction, so the data disappears from every query at once; the blobs follow (a blob that
/// could not be deleted is an orphan the daily consistency check reports).
/// </summary>
public sealed class StudyDeletion(DrimCloudDbContext db, IBlobStore blobs, ITenantContext tenant, InstanceIndexWriter index,
    SeriesMetadataDocuments documents, AuditLog audit, ILogger<StudyDeletion> logger)
{
    public async Task HandleAsync(HttpContext http, string study, string? series, string? sop)
    {
        var cancellationToken = http.RequestAborted;
        var resource = sop ?? series ?? study;
        var query = db.Instances.Where(i => i.Series!.Study!.StudyInstanceUid == study);
        if (series is not null) query = query.Where(i => i.Series!.SeriesInstanceUid == series);
        if (sop is not null) query = query.Where(i => i.SopInstanceUid == sop);

        List<string> keys;
        List<string> seriesUids;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var doomed = await query.Select(i => new { i.Id, i.BlobKey, i.SeriesId, SeriesUid = i.Series!.SeriesInstanceUid, i.Series.StudyId }).ToListAsync(cancellationToken);
            if (doomed.Count == 0)
            {
                await audit.RecordAsync("instance.delete", resource, AuditOutcome.Failed, "not found");
                await Problems.WriteAsync(http, StatusCodes.Status404NotFound, "Not Found", $"Nothing stored matches {resource} in this tenant.");
                return;
            }
            var ids = doomed.Select(d => d.Id).ToList();
            await db.Instances.Where(i => ids.Contains(i.Id)).ExecuteDeleteAsync(cancellationToken);
            var studyId = doomed[0].StudyId;
            foreach (var seriesId in doomed.Select(d => d.SeriesId).Distinct())
            {
                await db.Series.Where(s => s.Id == seriesId).ExecuteUpdateAsync(u => u.SetProperty(s => s.MetadataVersion, s => s.MetadataVersion + 1), cancellationToken);
                await index.RecountAsync(studyId, seriesId, cancellationToken);
            }
            await db.Series.Where(s => s.StudyId == studyId && !s.Instances.Any()).ExecuteDeleteAsync(cancellationToken);
            if (!await db.Series.AnyAsync(s => s.StudyId == studyId, cancellationToken))
                await db.Studies.Where(s => s.Id == studyId).ExecuteDeleteAsync(cancellationToken);
            else
                await index.RecountAsync(studyId, null, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            keys = doomed.Select(d => d.BlobKey).ToList();
            seriesUids = doomed.Select(d => d.SeriesUid).Distinct().ToList();
        }

        var container = BlobNames.ContainerFor(tenant.TenantId!.Value);
        var failed = 0;
        foreach (var key in keys)
        {
            try { await blobs.DeleteAsync(container, key, CancellationToken.None); }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                failed++;
                logger.LogWarning(e, "Blob {Key} of a deleted instance could not be removed; the consistency check will report it.", key);
            }
        }
        foreach (var uid in seriesUids) await documents.ForgetAsync(uid, CancellationToken.None);
        await audit.RecordAsync("instance.delete", resource, AuditOutcome.Success, $"{keys.Count} instance(s) deleted{(failed > 0 ? $", {failed} blob(s) left for cleanup" : "")}");
        http.Response.StatusCode = StatusCodes.Status204NoContent;
    }
}
