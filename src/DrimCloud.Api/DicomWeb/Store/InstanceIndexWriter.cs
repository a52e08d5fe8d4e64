using System.Data.Common;
using DrimCloud.Data;
using DrimCloud.Domain.Imaging;
using DrimCloud.Domain.Patients;
using Microsoft.EntityFrameworkCore;

namespace DrimCloud.Api.DicomWeb.Store;

/// <summary>What ingest wrote to storage for one instance.</summary>
public sealed record StoredInstance(string BlobKey, long Size, string Sha256, byte[]? FrameIndex, InstanceMetadata Metadata);

/// <summary>
/// Writes an instance's index rows (patient, study, series, instance) in one transaction, after its blob is stored:
/// the instance becomes visible to queries and retrieval exactly when this commits. Concurrent stores into the same
/// study race on creating the study and series rows; the loser retries on a fresh read.
/// </summary>
public sealed class InstanceIndexWriter(DrimCloudDbContext db, SqliteWriteGate gate, ILogger<InstanceIndexWriter> logger)
{
    private const int MaxAttempts = 8;

    /// <summary>Writes one instance's rows in a transaction of its own, retrying lost races.</summary>
    /// <returns>The blob key of the instance row this replaced, if any (to delete once committed).</returns>
    public async Task<string?> WriteAsync(InstanceHeader h, StoredInstance stored, bool replace, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var _ = await gate.EnterAsync(db, cancellationToken);
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var rows = await WriteRowsAsync(h, stored, replace, cancellationToken);
                await RecountAsync(rows.StudyId, rows.SeriesId, rows.ModalitiesMayChange, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return rows.ReplacedBlobKey;
            }
            catch (Exception e) when (attempt < MaxAttempts && IsRetryable(e))
            {
                db.ChangeTracker.Clear();
                logger.LogDebug(e, "Index write of {Sop} lost a race (attempt {Attempt}); retrying.", h.SopInstanceUid, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), cancellationToken);
            }
        }
    }

    private static bool IsRetryable(Exception e) =>
        e is DbUpdateException or DbException || e.InnerException is DbException;

    /// <summary>
    /// Writes (saves, does not commit) one instance's rows into the caller's open transaction; the caller recounts the
    /// series it touched and commits. Several instances can share one transaction this way (one fsync for all).
    /// </summary>
    public async Task<IndexedRows> WriteRowsAsync(InstanceHeader h, StoredInstance stored, bool replace, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;

        var patient = await FindOrCreatePatientAsync(h, cancellationToken);
        var study = await IndexQueries.Study(db, h.StudyInstanceUid!, cancellationToken);
        if (study is null)
        {
            study = new Study { StudyInstanceUid = h.StudyInstanceUid!, CreatedAt = now };
            db.Studies.Add(study);
        }
        UpdateStudy(study, h, patient, stored.Metadata, now);

        var series = await IndexQueries.Series(db, h.SeriesInstanceUid!, cancellationToken);
        var modality = series?.Modality;
        if (series is null)
        {
            series = new Series { SeriesInstanceUid = h.SeriesInstanceUid!, Study = study, CreatedAt = now };
            db.Series.Add(series);
        }
        else if (series.StudyId != study.Id && study.Id != Guid.Empty && db.Entry(study).State != EntityState.Added)
        {
            throw new SeriesInAnotherStudyException(h.SeriesInstanceUid!);
        }
        UpdateSeries(series, h, stored.Metadata);
        series.MetadataVersion++;

        string? replacedKey = null;
        var instance = await IndexQueries.Instance(db, h.SopInstanceUid!, cancellationToken);
        if (instance is null)
        {
            instance = new Instance
            {
                SopInstanceUid = h.SopInstanceUid!, SopClassUid = h.SopClassUid!, TransferSyntaxUid = h.TransferSyntaxUid,
                Sha256 = stored.Sha256, BlobKey = stored.BlobKey, Series = series,
            };
            db.Instances.Add(instance);
        }
        else if (replace)
        {
            replacedKey = instance.BlobKey == stored.BlobKey ? null : instance.BlobKey;
            instance.Series = series;
        }
        else
        {
            throw new InvalidOperationException($"Instance {h.SopInstanceUid} is already indexed.");
        }
        instance.SopClassUid = h.SopClassUid!;
        instance.TransferSyntaxUid = h.TransferSyntaxUid;
        instance.Sha256 = stored.Sha256;
        instance.BlobKey = stored.BlobKey;
        instance.SizeBytes = stored.Size;
        instance.InstanceNumber = h.InstanceNumber;
        instance.NumberOfFrames = h.NumberOfFrames;
        instance.Rows = h.Rows;
        instance.Columns = h.Columns;
        instance.BitsAllocated = h.BitsAllocated;
        instance.MetadataGz = stored.Metadata.Gzip;
        instance.FrameIndex = stored.FrameIndex;
        instance.BulkIndexJson = stored.Metadata.BulkIndexJson;
        instance.StoredAt = now;

        // A replaced instance may have moved from another series (whose count the caller does not recount).
        var modalitiesMayChange = modality is null || modality != series.Modality || replace;
        await db.SaveChangesAsync(cancellationToken);
        return new IndexedRows(study.Id, series.Id, replacedKey, modalitiesMayChange);
    }

    /// <summary>Counts and modalities are recomputed from the rows (never incremented), so they cannot drift.</summary>
    public Task RecountAsync(Guid studyId, Guid? seriesId, CancellationToken cancellationToken) =>
        RecountAsync(studyId, seriesId, modalitiesMayChange: true, cancellationToken);

    /// <summary>
    /// Like <see cref="RecountAsync(Guid, Guid?, CancellationToken)"/>; when no series of the study was created or
    /// changed its modality, the study's counts are recomputed in one statement and its modalities are left as they are.
    /// </summary>
    public async Task RecountAsync(Guid studyId, Guid? seriesId, bool modalitiesMayChange, CancellationToken cancellationToken)
    {
        if (seriesId is { } sid)
        {
            // One UPDATE with the count as a subquery. The count runs without the tenant filter on purpose: with it,
            // SQLite walked the tenant's (TenantId, SopInstanceUid) index instead of (SeriesId, …), so each store
            // counted every instance of the tenant (quadratic ingest). The series row itself is matched by id and
            // tenant, and instances of a series are of its tenant by construction.
            var tenantId = db.CurrentTenantId ?? throw new InvalidOperationException("No tenant to recount for.");
            await db.Series.IgnoreQueryFilters().Where(s => s.Id == sid && s.TenantId == tenantId)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.NumberOfInstances, s => db.Instances.Count(i => i.SeriesId == s.Id)), cancellationToken);
        }
        if (!modalitiesMayChange)
        {
            await db.Studies.Where(s => s.Id == studyId).ExecuteUpdateAsync(u => u
                .SetProperty(s => s.NumberOfSeries, s => db.Series.Count(x => x.StudyId == s.Id))
                .SetProperty(s => s.NumberOfInstances, s => db.Series.Where(x => x.StudyId == s.Id).Sum(x => x.NumberOfInstances)), cancellationToken);
            return;
        }
        var seriesRows = await db.Series.Where(s => s.StudyId == studyId).Select(s => new { s.Modality, s.NumberOfInstances }).ToListAsync(cancellationToken);
        var modalities = string.Join('\\', seriesRows.Select(s => s.Modality).Where(m => !string.IsNullOrEmpty(m)).Distinct().Order(StringComparer.Ordinal));
        var instances = seriesRows.Sum(s => s.NumberOfInstances);
        await db.Studies.Where(s => s.Id == studyId).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.NumberOfSeries, seriesRows.Count)
            .SetProperty(s => s.NumberOfInstances, instances)
            .SetProperty(s => s.ModalitiesInStudy, modalities.Length == 0 ? null : modalities), cancellationToken);
    }

    private async Task<Patient?> FindOrCreatePatientAsync(InstanceHeader h, CancellationToken cancellationToken)
    {
        var patientId = Truncate(h.PatientId, 64);
        var issuer = Truncate(h.IssuerOfPatientId, 64);
        if (patientId is null) return null;
        var patient = await IndexQueries.Patient(db, patientId, issuer, cancellationToken);
        if (patient is null)
        {
            patient = new Patient { LocalPatientId = patientId, LocalIdIssuer = issuer };
            db.Patients.Add(patient);
        }
        if (h.Ins is { } ins && Domain.Patients.InsNumber.IsValid(ins.Matricule) && patient.InsMatricule is null)
        {
            patient.InsMatricule = ins.Matricule;
            patient.InsOid = ins.Oid;
        }
        return patient;
    }

    private static void UpdateStudy(Study study, InstanceHeader h, Patient? patient, InstanceMetadata metadata, DateTimeOffset now)
    {
        study.Patient ??= patient;
        study.AccessionNumber = Truncate(h.AccessionNumber, 16) ?? study.AccessionNumber;
        study.StudyId = Truncate(h.StudyId, 16) ?? study.StudyId;
        study.StudyDate = Truncate(h.StudyDate, 8) ?? study.StudyDate;
        study.StudyTime = Truncate(h.StudyTime, 16) ?? study.StudyTime;
        study.StudyDescription = Truncate(h.StudyDescription, 64) ?? study.StudyDescription;
        study.ReferringPhysicianName = Truncate(h.ReferringPhysicianName, 324) ?? study.ReferringPhysicianName;
        study.PatientName = Truncate(h.PatientName, 324) ?? study.PatientName;
        study.PatientNameSearch = Truncate(InstanceHeader.FoldName(study.PatientName), 324);
        study.DicomPatientId = Truncate(h.PatientId, 64) ?? study.DicomPatientId;
        study.PatientBirthDate = Truncate(h.PatientBirthDate, 8) ?? study.PatientBirthDate;
        study.PatientSex = Truncate(h.PatientSex, 16) ?? study.PatientSex;
        study.StudyAttributesJson = metadata.StudyAttributesJson;
        study.UpdatedAt = now;
    }

    private static void UpdateSeries(Series series, InstanceHeader h, InstanceMetadata metadata)
    {
        series.Modality = Truncate(h.Modality, 16) ?? series.Modality;
        series.SeriesNumber = h.SeriesNumber ?? series.SeriesNumber;
        series.SeriesDescription = Truncate(h.SeriesDescription, 64) ?? series.SeriesDescription;
        series.BodyPartExamined = Truncate(h.BodyPartExamined, 16) ?? series.BodyPartExamined;
        series.SeriesDate = Truncate(h.SeriesDate, 8) ?? series.SeriesDate;
        series.PerformedProcedureStepStartDate = Truncate(h.PerformedProcedureStepStartDate, 8) ?? series.PerformedProcedureStepStartDate;
        series.PerformedProcedureStepStartTime = Truncate(h.PerformedProcedureStepStartTime, 16) ?? series.PerformedProcedureStepStartTime;
        series.SeriesAttributesJson = metadata.SeriesAttributesJson;
    }

    private static string? Truncate(string? value, int max) => value is null ? null : value.Length <= max ? value : value[..max];
}

/// <summary>The rows one instance's index write touched; ModalitiesMayChange when its series is new or changed modality.</summary>
public sealed record IndexedRows(Guid StudyId, Guid SeriesId, string? ReplacedBlobKey, bool ModalitiesMayChange);

/// <summary>A Series Instance UID already indexed under another study (a malformed or conflicting object).</summary>
public sealed class SeriesInAnotherStudyException(string seriesUid)
    : InvalidOperationException($"Series {seriesUid} already belongs to another study.");
