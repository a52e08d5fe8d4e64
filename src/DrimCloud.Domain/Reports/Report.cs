namespace DrimCloud.Domain.Reports;

/// <summary>What a report message asked for.</summary>
public static class ReportActions
{
    public const string New = "new";
    public const string Replace = "replace";
    public const string Delete = "delete";
}

/// <summary>Where a report document stands after the messages received so far.</summary>
public static class ReportStatuses
{
    /// <summary>The latest version of its document.</summary>
    public const string Current = "current";

    /// <summary>A later version replaced it (a replacement message named it as parent).</summary>
    public const string Replaced = "replaced";

    /// <summary>A deletion message withdrew it (or this row is the deletion message itself).</summary>
    public const string Deleted = "deleted";
}

/// <summary>
/// One imaging report message received from a RIS through a forwarder (HL7 v2 ORU/MDM carrying a CDA R2 document):
/// the raw message and its CDA are blobs of the tenant's container; this row holds what identifies and links them.
/// Publication to the DMP / MSSanté reads these rows later.
/// </summary>
public sealed class Report : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenantId { get; set; }

    /// <summary>CDA document id (root, or root^extension) — the XDS uniqueId.</summary>
    public required string DocumentId { get; set; }
    public required string Action { get; set; }
    public string Status { get; set; } = ReportStatuses.Current;

    /// <summary>For a replacement: the document id it replaces, and that report's row when it was received here.</summary>
    public string? ParentDocumentId { get; set; }
    public Guid? ReplacesReportId { get; set; }

    public string? SetId { get; set; }
    public int? VersionNumber { get; set; }
    public string? Title { get; set; }

    public string? PatientIns { get; set; }
    public string? PatientInsOid { get; set; }
    public string? LocalPatientId { get; set; }
    public string? LocalPatientIdIssuer { get; set; }
    public Guid? PatientId { get; set; }

    public string? AccessionNumber { get; set; }
    public string? StudyInstanceUid { get; set; }
    public Guid? StudyId { get; set; }

    /// <summary>ORU^R01, MDM^T10…; MSH-10; MSH-3 / MSH-4.</summary>
    public required string MessageType { get; set; }
    public required string MessageControlId { get; set; }
    public string? SendingApplication { get; set; }
    public string? SendingFacility { get; set; }

    /// <summary>SHA-256 of the raw message: the same message received twice is stored once.</summary>
    public required string MessageSha256 { get; set; }
    public long MessageLength { get; set; }
    public required string MessageBlobKey { get; set; }
    public required string CdaBlobKey { get; set; }
    public long CdaLength { get; set; }
    public required string CdaSha256 { get; set; }

    /// <summary>DMP / MSSanté flags of the message (MASQUE_PS, DESTDMP…) as a JSON object.</summary>
    public string? FlagsJson { get; set; }

    /// <summary>Client id of the forwarder that relayed it.</summary>
    public string? ReceivedBy { get; set; }
    public DateTimeOffset ReceivedAt { get; set; } = DateTimeOffset.UtcNow;
}
