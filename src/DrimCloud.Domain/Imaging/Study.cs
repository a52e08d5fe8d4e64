namespace DrimCloud.Domain.Imaging;

/// <summary>An imaging study of a tenant, indexed from its instances' DICOM attributes.</summary>
public sealed class Study : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenantId { get; set; }
    public Guid? PatientId { get; set; }
    public Patients.Patient? Patient { get; set; }

    public required string StudyInstanceUid { get; set; }
    public string? AccessionNumber { get; set; }
    public string? StudyId { get; set; }
    public string? StudyDate { get; set; }
    public string? StudyTime { get; set; }
    public string? StudyDescription { get; set; }
    public string? ReferringPhysicianName { get; set; }

    // Patient attributes as the DICOM header carries them (the Patient row holds the qualified identity).
    public string? PatientName { get; set; }

    /// <summary>Patient name folded for fuzzy matching: upper case, no accents, components separated by spaces.</summary>
    public string? PatientNameSearch { get; set; }
    public string? DicomPatientId { get; set; }
    public string? PatientBirthDate { get; set; }
    public string? PatientSex { get; set; }

    /// <summary>Distinct modalities of the study's series, backslash-separated as in DICOM.</summary>
    public string? ModalitiesInStudy { get; set; }
    public int NumberOfSeries { get; set; }

    /// <summary>Patient- and study-level attributes of the latest stored instance, as a DICOM JSON object (for QIDO includefield).</summary>
    public string? StudyAttributesJson { get; set; }
    public int NumberOfInstances { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;

    public ICollection<Series> Series { get; } = [];
}
