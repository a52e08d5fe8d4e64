namespace DrimCloud.Domain.Imaging;

/// <summary>A series of a study.</summary>
public sealed class Series : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenantId { get; set; }
    public Guid StudyId { get; set; }
    public Study? Study { get; set; }

    public required string SeriesInstanceUid { get; set; }
    public string? Modality { get; set; }
    public int? SeriesNumber { get; set; }
    public string? SeriesDescription { get; set; }
    public string? BodyPartExamined { get; set; }
    public string? SeriesDate { get; set; }
    public string? PerformedProcedureStepStartDate { get; set; }
    public string? PerformedProcedureStepStartTime { get; set; }
    public int NumberOfInstances { get; set; }

    /// <summary>Series-level attributes of the latest stored instance, as a DICOM JSON object (for QIDO includefield).</summary>
    public string? SeriesAttributesJson { get; set; }

    /// <summary>Bumped on every change to the series' instances: the ETag of its metadata.</summary>
    public long MetadataVersion { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;

    public ICollection<Instance> Instances { get; } = [];
}
