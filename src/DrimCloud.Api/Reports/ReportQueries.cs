using System.Text.Json;
using DrimCloud.Api.Infrastructure;
using DrimCloud.Data;
using DrimCloud.Domain.Audit;
using DrimCloud.Domain.Reports;
using DrimCloud.Storage;
using Microsoft.EntityFrameworkCore;

namespace DrimCloud.Api.Reports;

/// <summary>What the API shows of a report (identifiers, links, action and status; the CDA is at <c>/cda</c>).</summary>
public sealed record ReportView(
    Guid Id, string DocumentId, string Action, string Status, string? ParentDocumentId, Guid? ReplacesReportId,
    string? SetId, int? VersionNumber, string? Title,
    string? PatientIns, string? PatientInsOid, string? LocalPatientId, string? LocalPatientIdIssuer, Guid? PatientId,
    string? AccessionNumber, string? StudyInstanceUid, Guid? StudyId,
    string MessageType, string MessageControlId, string? SendingApplication, string? SendingFacility,
    string MessageSha256, long MessageLength, long CdaLength, IReadOnlyDictionary<string, string>? Flags,
    string? ReceivedBy, DateTimeOffset ReceivedAt)
{
    public static ReportView From(Report r) => new(
        r.Id, r.DocumentId, r.Action, r.Status, r.ParentDocumentId, r.ReplacesReportId, r.SetId, r.VersionNumber, r.Title,
        r.PatientIns, r.PatientInsOid, r.LocalPatientId, r.LocalPatientIdIssuer, r.PatientId,
        r.AccessionNumber, r.StudyInstanceUid, r.StudyId,
        r.MessageType, r.MessageControlId, r.SendingApplication, r.SendingFacility,
        r.MessageSha256, r.MessageLength, r.CdaLength,
        r.FlagsJson is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(r.FlagsJson),
        r.ReceivedBy, r.ReceivedAt);
}

public static class ReportQueries
{
    /// <summary>Newest first; filters: <c>documentId</c>, <c>studyInstanceUid</c>, <c>status</c>; <c>limit</c> (≤ 500) and <c>offset</c>.</summary>
    public static async Task<IResult> ListAsync(HttpContext http, DrimCloudDbContext db, AuditLog audit,
        string? documentId, string? studyInstanceUid, string? status, int? limit, int? offset)
    {
        var take = Math.Clamp(limit ?? 100, 1, 500);
        var skip = Math.Max(offset ?? 0, 0);
        var query = db.Reports.AsNoTracking();
        if (!string.IsNullOrEmpty(documentId)) query = query.Where(r => r.DocumentId == documentId);
        if (!string.IsNullOrEmpty(studyInstanceUid)) query = query.Where(r => r.StudyInstanceUid == studyInstanceUid);
        if (!string.IsNullOrEmpty(status)) query = query.Where(r => r.Status == status);
        var rows = await query.OrderByDescending(r => r.ReceivedAt).ThenBy(r => r.Id).Skip(skip).Take(take).ToListAsync(http.RequestAborted);
        await audit.RecordAsync("report.search", http.Request.QueryString.Value, AuditOutcome.Success, $"{rows.Count} reports");
        return Results.Ok(rows.Select(ReportView.From));
    }

    public static async Task<IResult> GetAsync(HttpContext http, Guid id, DrimCloudDbContext db, AuditLog audit)
    {
        var row = await db.Reports.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, http.RequestAborted);
        await audit.RecordAsync("report.read", id.ToString(), row is null ? AuditOutcome.Failed : AuditOutcome.Success);
        return row is null ? NotFound(id) : Results.Ok(ReportView.From(row));
    }

    public static async Task<IResult> GetCdaAsync(HttpContext http, Guid id, DrimCloudDbContext db, IBlobStore blobs, AuditLog audit)
    {
        var row = await db.Reports.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, http.RequestAborted);
        await audit.RecordAsync("report.cda.read", id.ToString(), row is null ? AuditOutcome.Failed : AuditOutcome.Success);
        if (row is null) return NotFound(id);
        var stream = await blobs.OpenReadAsync(BlobNames.ContainerFor(http.Tenant().Id), row.CdaBlobKey, cancellationToken: http.RequestAborted);
        return Results.Stream(stream, "application/xml", enableRangeProcessing: false);
    }

    private static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: $"No report {id} in this tenant.");
}
