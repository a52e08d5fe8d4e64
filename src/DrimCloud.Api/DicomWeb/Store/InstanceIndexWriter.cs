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

    /// <summary>Writes and saves (does not commit) one instance's rows into the caller's open transaction.</summary>
    public async Task<IndexedRows> WriteRowsAsync(InstanceHeader h, StoredInstance stored, bool replace, CancellationToken cancellationToken)
    {
        var rows = await WriteRowsAsync(h, stored, replace, new IndexGroup(), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return rows;
    }

    /// <summary>
    /// Writes one instance's rows into the context without saving: the caller saves every instance of the group at
    /// once, recounts the series it touched and commits (one statement batch and one fsync for all). The group
    /// remembers the patient, study, series and instance rows its earlier instances found or created, so the next
    /// instance of the same series does not look them up again (and sees rows that are not saved yet).
    /// </summary>
    public async Task<IndexedRows> WriteRowsAsync(InstanceHeader h, StoredInstance stored, bool replace, IndexGroup group, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;

        var patient = await FindOrCreatePatientAsync(h, group, cancellationToken);
        if (!group.Studies.TryGetValue(h.StudyInstanceUid!, out var study))
        {
            study = await IndexQueries.Study(db, h.StudyInstanceUid!, cancellationToken);
            if (study is null)
            {
                study = new Study { StudyInstanceUid = h.StudyInstanceUid!, CreatedAt = now };
                db.Studies.Add(study);
            }
            group.Studies[study.StudyInstanceUid] = study;
        }
        UpdateStudy(study, h, patient, stored.Metadata, now);

        if (!group.Series.TryGetValue(h.SeriesInstanceUid!, out var series))
            series = await IndexQueries.Series(db, h.SeriesInstanceUid!, cancellationToken);
        var modality = series?.Modality;
        if (series is null)
        {
            series = new Series { SeriesInstanceUid = h.SeriesInstanceUid!, Study = study, CreatedAt = now };
            db.Series.Add(series);
        }
        else if ((series.Study?.Id ?? series.StudyId) != study.Id && db.Entry(study).State != EntityState.Added)
        {
            throw new SeriesInAnotherStudyException(h.SeriesInstanceUid!);
        }
        group.Series[series.SeriesInstanceUid] = series;
        UpdateSeries(series, h, stored.Metadata);
        series.MetadataVersion++;

        string? replacedKey = null;
        if (!group.Instances.TryGetValue(h.SopInstanceUid!, out var instance))
            instance = await IndexQueries.Instance(db, h.SopInstanceUid!, cancellationToken);
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

        group.Instances[instance.SopInstanceUid] = instance;
        // A replaced instance may have moved from another series (whose count the caller does not recount).
        var modalitiesMayChange = modality is null || modality != series.Modality || replace;
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
        // The series count runs without the tenant filter on purpose: with it, SQLite walked the tenant's (TenantId,
        // SopInstanceUid) index instead of (SeriesId, …), so each store counted every instance of the tenant
        // (quadratic ingest). The series row itself is matched by id and tenant.
        var tenantId = db.CurrentTenantId ?? throw new InvalidOperationException("No tenant to recount for.");
        var statements = RecountStatements.For(db);
        if (seriesId is { } sid)
            await db.Database.ExecuteSqlRawAsync(statements.SeriesCount, [sid, tenantId], cancellationToken);
        if (!modalitiesMayChange)
        {
            await db.Database.ExecuteSqlRawAsync(statements.StudyCounts, [studyId, tenantId], cancellationToken);
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

    private async Task<Patient?> FindOrCreatePatientAsync(InstanceHeader h, IndexGroup group, CancellationToken cancellationToken)
    {
        var patientId = Truncate(h.PatientId, 64);
        var issuer = Truncate(h.IssuerOfPatientId, 64);
        if (patientId is null) return null;
        if (!group.Patients.TryGetValue((patientId, issuer), out var patient))
        {
            patient = await IndexQueries.Patient(db, patientId, issuer, cancellationToken);
            if (patient is null)
            {
                patient = new Patient { LocalPatientId = patientId, LocalIdIssuer = issuer };
                db.Patients.Add(patient);
            }
            group.Patients[(patientId, issuer)] = patient;
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

/// <summary>
/// The rows the instances of one commit group found or created, by their DICOM identifiers. Lives for one transaction
/// on one context: the entities are the context's tracked ones.
/// </summary>
public sealed class IndexGroup
{
    internal Dictionary<(string Id, string? Issuer), Patient> Patients { get; } = [];
    internal Dictionary<string, Study> Studies { get; } = new(StringComparer.Ordinal);
    internal Dictionary<string, Series> Series { get; } = new(StringComparer.Ordinal);
    internal Dictionary<string, Instance> Instances { get; } = new(StringComparer.Ordinal);
}
