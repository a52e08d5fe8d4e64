using DrimCloud.Hl7.Cda;
using DrimCloud.Hl7.Er7;

namespace DrimCloud.Hl7.Reports;

/// <summary>What a report message asks for (CI-SIS "transmission d'un document CDA-R2 en HL7v2", triggering events).</summary>
public enum ReportAction
{
    /// <summary>ORU^R01 with OBX-11 = F, or MDM^T02.</summary>
    New,
    /// <summary>ORU^R01 with OBX-11 = C, or MDM^T10: a new version replacing the CDA's relatedDocument RPLC parent.</summary>
    Replace,
    /// <summary>ORU^R01 with OBX-11 = D, or MDM^T04: the carried (latest) version is to be withdrawn.</summary>
    Delete,
}

/// <summary>The patient of a report: INS and local identifier from PID-3 (or the CDA recordTarget), and the INS traits.</summary>
public sealed record ReportPatient
{
    public string? InsMatricule { get; init; }
    public string? InsOid { get; init; }
    public string? LocalId { get; init; }

    /// <summary>OID of the local identifier's assigning authority (CX-4.2), or its namespace (CX-4.1) when there is no OID.</summary>
    public string? LocalIdIssuer { get; init; }
    public string? BirthFamilyName { get; init; }
    public string? FirstBirthGivenName { get; init; }
    public string? BirthGivenNames { get; init; }
    public string? UsedFamilyName { get; init; }
    public string? BirthDate { get; init; }
    public string? Sex { get; init; }
    public string? BirthPlaceCode { get; init; }

    /// <summary>PID-32 identity reliability (PAM-FR: VALI, QUAL, PROV, RECUP), when given.</summary>
    public string? IdentityReliability { get; init; }
}

/// <summary>A validated report message: what the cloud stores and later publishes.</summary>
public sealed record ReportMessage
{
    public required Hl7Message Message { get; init; }
    public required ReportAction Action { get; init; }

    /// <summary>The CDA document id (root, or root^extension), equal to TXA-12 in MDM messages.</summary>
    public required string DocumentId { get; init; }

    /// <summary>For a replacement, the id of the document replaced (CDA relatedDocument RPLC, or TXA-13).</summary>
    public string? ParentDocumentId { get; init; }
    public string? SetId { get; init; }
    public int? VersionNumber { get; init; }
    public required ReportPatient Patient { get; init; }
    public string? AccessionNumber { get; init; }
    public string? AccessionIssuer { get; init; }
    public string? PlacerOrderNumber { get; init; }
    public string? FillerOrderNumber { get; init; }
    public string? StudyInstanceUid { get; init; }
    public string? Title { get; init; }

    /// <summary>The CDA document as carried in OBX-5 (decoded), and its header.</summary>
    public required byte[] Cda { get; init; }
    public required CdaHeader CdaHeader { get; init; }

    /// <summary>DMP / MSSanté processing flags (OBX of type CE/CWE: MASQUE_PS, DESTDMP, DESTMSSANTEPS…) → Y/N.</summary>
    public IReadOnlyDictionary<string, string> Flags { get; init; } = new Dictionary<string, string>();
}
