using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using DrimCloud.Api.DicomWeb.Common;
using DrimCloud.Api.Forwarders;
using DrimCloud.Api.Infrastructure;
using DrimCloud.Data;
using DrimCloud.Domain.Audit;
using DrimCloud.Domain.Imaging;
using DrimCloud.Domain.Patients;
using DrimCloud.Domain.Reports;
using DrimCloud.Hl7.Er7;
using DrimCloud.Hl7.Reports;
using DrimCloud.Storage;
using Microsoft.EntityFrameworkCore;

namespace DrimCloud.Api.Reports;

/// <summary>
/// <c>POST /tenants/{tenant}/reports/hl7v2</c>: validates an ORU^R01 / MDM^T02/T10/T04 message as the forwarder did,
/// stores the raw message and its CDA in the tenant's container, and records a <see cref="Report"/> linked to the
/// patient (by INS, else IPP) and the study (by Study Instance UID, else accession number) when they are known.
/// The same message sent twice (same bytes) is stored once and answered 200 with the first report.
/// </summary>
public sealed class ReportIntake(DrimCloudDbContext db, IBlobStore blobs, AuditLog audit, MissingStudyPull pull, ILogger<ReportIntake> logger)
{
    public const int MaxMessageBytes = 32 * 1024 * 1024;
    public static readonly string[] MediaTypes = ["application/hl7-v2", "x-application/hl7-v2+er7"];

    public async Task<IResult> HandleAsync(HttpContext http)
    {
        var cancellationToken = http.RequestAborted;
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type)
            || !MediaTypes.Contains(type.MediaType, StringComparer.OrdinalIgnoreCase))
        {
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported Media Type",
                detail: "Send the HL7 v2 message in ER7 encoding as application/hl7-v2 (or x-application/hl7-v2+er7).");
        }
        if (http.Request.ContentLength > MaxMessageBytes)
            return TooLarge();
        var body = await ReadBodyAsync(http.Request.Body, cancellationToken);
        if (body is null) return TooLarge();

        ReportMessage report;
        try
        {
            report = ReportMessageReader.Read(Hl7Parser.Parse(body, new Hl7ParseLimits { MaxMessageBytes = MaxMessageBytes }));
            if (report.Patient.InsMatricule is { } ins && !InsNumber.IsValid(ins))
                throw new Hl7Exception(Hl7ErrorCode.DataTypeError, "The INS matricule's control key is wrong.", "PID^1^3");
        }
        catch (Hl7Exception e)
        {
            await audit.RecordAsync("report.receive", null, AuditOutcome.Failed, e.Message);
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid HL7 report message", detail: e.Message,
                extensions: new Dictionary<string, object?>
                {
                    ["acknowledgmentCode"] = e.IsRejection ? "AR" : "AE",
                    ["hl7ErrorCode"] = (int)e.Code,
                    ["location"] = e.Location,
                });
        }

        var tenant = http.Tenant();
        var sha = Convert.ToHexStringLower(SHA256.HashData(body));
        if (await db.Reports.AsNoTracking().FirstOrDefaultAsync(r => r.MessageSha256 == sha, cancellationToken) is { } existing)
        {
            await audit.RecordAsync("report.receive", existing.DocumentId, AuditOutcome.Success, $"duplicate of report {existing.Id}");
            return Results.Ok(ReportView.From(existing));
        }

        var container = BlobNames.ContainerFor(tenant.Id);
        var messageKey = $"reports/{sha}/message.hl7";
        var cdaKey = $"reports/{sha}/document.xml";
        var cdaBlob = await CreateOrReuseAsync(container, cdaKey, report.Cda, cancellationToken);
        await CreateOrReuseAsync(container, messageKey, body, cancellationToken);

        var m = report.Message;
        var row = new Report
        {
            DocumentId = report.DocumentId,
            Action = report.Action switch { ReportAction.Replace => ReportActions.Replace, ReportAction.Delete => ReportActions.Delete, _ => ReportActions.New },
            Status = report.Action == ReportAction.Delete ? ReportStatuses.Deleted : ReportStatuses.Current,
            ParentDocumentId = report.ParentDocumentId,
            SetId = report.SetId,
            VersionNumber = report.VersionNumber,
            Title = Truncate(report.Title, 400),
            PatientIns = report.Patient.InsMatricule,
            PatientInsOid = report.Patient.InsOid,
            LocalPatientId = Truncate(report.Patient.LocalId, 64),
            LocalPatientIdIssuer = Truncate(report.Patient.LocalIdIssuer, 64),
            AccessionNumber = Truncate(report.AccessionNumber, 64),
            StudyInstanceUid = Truncate(report.StudyInstanceUid, 64),
            MessageType = Truncate(m.TypeLabel, 32)!,
            MessageControlId = Truncate(m.ControlId, 200)!,
            SendingApplication = Truncate(m.SendingApplication, 200),
            SendingFacility = Truncate(m.SendingFacility, 200),
            MessageSha256 = sha,
            MessageLength = body.Length,
            MessageBlobKey = messageKey,
            CdaBlobKey = cdaKey,
            CdaLength = cdaBlob.Length,
            CdaSha256 = cdaBlob.Sha256,
            FlagsJson = report.Flags.Count == 0 ? null : JsonSerializer.Serialize(report.Flags),
            ReceivedBy = http.User.FindFirst("sub")?.Value,
        };
        await LinkAsync(row, cancellationToken);
        await ApplyToEarlierVersionsAsync(row, cancellationToken);
        db.Reports.Add(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same message arrived concurrently (a forwarder retry): the first one stored wins.
            db.ChangeTracker.Clear();
            var raced = await db.Reports.AsNoTracking().FirstOrDefaultAsync(r => r.MessageSha256 == sha, CancellationToken.None);
            if (raced is null) throw;
            return Results.Ok(ReportView.From(raced));
        }
        logger.LogInformation("Report {Action} {DocumentId} ({Type} {Control}) stored for tenant {Tenant} as {Id}; patient {Patient}, study {Study}.",
            row.Action, row.DocumentId, row.MessageType, row.MessageControlId, tenant.Slug, row.Id,
            row.PatientId is null ? "not yet known" : "linked", row.StudyId is null ? "not yet known" : "linked");
        await audit.RecordAsync("report.receive", row.DocumentId, AuditOutcome.Success, $"{row.Action} report {row.Id} ({row.MessageType})");
        if (row.StudyId is null && row.Action != ReportActions.Delete && row.ReceivedBy is { } forwarder)
        {
            var command = await pull.RequestAsync(forwarder, row.StudyInstanceUid, row.AccessionNumber, CancellationToken.None);
            if (command is not null)
                await audit.RecordAsync("forwarder.command.create", row.StudyInstanceUid ?? $"accession:{row.AccessionNumber}", AuditOutcome.Success,
                    $"pull-from-pacs {command.Id} for {forwarder}: report {row.Id} names a study this tenant does not hold");
        }
        return Results.Created($"/tenants/{tenant.Slug}/reports/{row.Id}", ReportView.From(row));
    }

    private async Task LinkAsync(Report row, CancellationToken cancellationToken)
    {
        if (row.PatientIns is not null)
            row.PatientId = await db.Patients.Where(p => p.InsMatricule == row.PatientIns && p.InsOid == row.PatientInsOid)
                .Select(p => (Guid?)p.Id).FirstOrDefaultAsync(cancellationToken);
        if (row.PatientId is null && row.LocalPatientId is not null)
            row.PatientId = await db.Patients.Where(p => p.LocalPatientId == row.LocalPatientId && p.LocalIdIssuer == row.LocalPatientIdIssuer)
                .Select(p => (Guid?)p.Id).FirstOrDefaultAsync(cancellationToken);
        if (row.StudyInstanceUid is not null)
            row.StudyId = await db.Studies.Where(s => s.StudyInstanceUid == row.StudyInstanceUid).Select(s => (Guid?)s.Id).FirstOrDefaultAsync(cancellationToken);
        if (row.StudyId is null && row.AccessionNumber is not null)
        {
            // An accession number links only when it designates one study of the tenant.
            var matches = await db.Studies.Where(s => s.AccessionNumber == row.AccessionNumber).Select(s => s.Id).Take(2).ToListAsync(cancellationToken);
            if (matches.Count == 1) row.StudyId = matches[0];
        }
    }

    // A replacement supersedes its parent; a deletion withdraws every received version of the document.
    private async Task ApplyToEarlierVersionsAsync(Report row, CancellationToken cancellationToken)
    {
        if (row.Action == ReportActions.Replace)
        {
            var parents = await db.Reports.Where(r => r.DocumentId == row.ParentDocumentId && r.Status == ReportStatuses.Current).ToListAsync(cancellationToken);
            foreach (var parent in parents) parent.Status = ReportStatuses.Replaced;
            row.ReplacesReportId = parents.OrderByDescending(p => p.ReceivedAt).FirstOrDefault()?.Id;
        }
        else if (row.Action == ReportActions.Delete)
        {
            var targets = await db.Reports.Where(r => r.DocumentId == row.DocumentId && r.Status != ReportStatuses.Deleted).ToListAsync(cancellationToken);
            foreach (var target in targets) target.Status = ReportStatuses.Deleted;
        }
    }

    private async Task<StoredBlob> CreateOrReuseAsync(string container, string key, byte[] content, CancellationToken cancellationToken)
    {
        // Keys derive from the message hash: an object already there (an earlier attempt that failed before its row
        // was saved) has exactly this content.
        try
        {
            using var stream = new MemoryStream(content, writable: false);
            return await blobs.CreateAsync(container, key, stream, cancellationToken);
        }
        catch (BlobAlreadyExistsException)
        {
            return new StoredBlob(key, content.Length, Convert.ToHexStringLower(SHA256.HashData(content)));
        }
    }

    private static async Task<byte[]?> ReadBodyAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxMessageBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static IResult TooLarge() => Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload Too Large",
        detail: $"A report message may have at most {MaxMessageBytes} bytes.");

    private static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max];
}
