using System.Xml;
using System.Xml.Linq;

namespace DrimCloud.Hl7.Cda;

/// <summary>An instance identifier (II): an OID root and an optional extension.</summary>
public sealed record CdaId(string Root, string? Extension)
{
    /// <summary>As the XDS uniqueId is written: <c>root</c>, or <c>root^extension</c>.</summary>
    public override string ToString() => string.IsNullOrEmpty(Extension) ? Root : $"{Root}^{Extension}";
}

/// <summary>The CDA is not well-formed XML or not a ClinicalDocument with an id.</summary>
public sealed class CdaFormatException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The header fields of a CDA R2 document (CI-SIS "structuration minimale") that identify the document, its patient and
/// its exam: document id, setId / versionNumber, the replaced document (relatedDocument RPLC), the patientRole ids
/// and INS traits, the order / accession number and the Study Instance UID (first serviceEvent id).
/// </summary>
public sealed record CdaHeader
{
    public required CdaId DocumentId { get; init; }
    public CdaId? SetId { get; init; }
    public int? VersionNumber { get; init; }
    public CdaId? ReplacedDocumentId { get; init; }
    public string? Title { get; init; }
    public string? TypeCode { get; init; }
    public IReadOnlyList<CdaId> PatientIds { get; init; } = [];
    public string? BirthFamilyName { get; init; }
    public string? FirstBirthGivenName { get; init; }
    public string? BirthGivenNames { get; init; }
    public string? UsedFamilyName { get; init; }
    public string? BirthDate { get; init; }
    public string? Sex { get; init; }
    public string? BirthPlaceCode { get; init; }
    public CdaId? OrderId { get; init; }
    public CdaId? AccessionNumber { get; init; }
    public string? StudyInstanceUid { get; init; }

    private static readonly XNamespace V3 = "urn:hl7-org:v3";
    private static readonly XNamespace Ps320 = "urn:dicom-org:ps3-20";

    /// <summary>Reads the header; no DTD, no external entity, bounded size. Throws <see cref="CdaFormatException"/>.</summary>
    public static CdaHeader Read(byte[] xml, long maxCharacters = 64L * 1024 * 1024)
    {
        XDocument doc;
        try
        {
            var settings = new XmlReaderSettings
            {
                DtdProcessing = DtdProcessing.Prohibit,
                XmlResolver = null,
                MaxCharactersInDocument = maxCharacters,
                MaxCharactersFromEntities = 1024,
            };
            using var stream = new MemoryStream(xml, writable: false);
            using var reader = XmlReader.Create(stream, settings);
            doc = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new CdaFormatException($"The CDA document is not well-formed XML: {e.Message}", e);
        }
        var root = doc.Root;
        if (root is null || root.Name != V3 + "ClinicalDocument")
            throw new CdaFormatException("The document is not a CDA R2 ClinicalDocument (urn:hl7-org:v3).");
        var id = Id(root.Element(V3 + "id")) ?? throw new CdaFormatException("The CDA has no ClinicalDocument/id@root.");

        var patientRole = root.Element(V3 + "recordTarget")?.Element(V3 + "patientRole");
        var patient = patientRole?.Element(V3 + "patient");
        var names = patient?.Elements(V3 + "name").ToList() ?? [];
        var families = names.SelectMany(n => n.Elements(V3 + "family")).ToList();
        var givens = names.SelectMany(n => n.Elements(V3 + "given")).ToList();
        string? Qualified(IEnumerable<XElement> parts, string? qualifier) => parts
            .FirstOrDefault(e => (string?)e.Attribute("qualifier") == qualifier)?.Value.Trim();

        var related = root.Elements(V3 + "relatedDocument").FirstOrDefault(r => (string?)r.Attribute("typeCode") == "RPLC");
        var order = root.Element(V3 + "inFulfillmentOf")?.Element(V3 + "order");
        var serviceEvent = root.Element(V3 + "documentationOf")?.Element(V3 + "serviceEvent");
        var version = (string?)root.Element(V3 + "versionNumber")?.Attribute("value");
        return new CdaHeader
        {
            DocumentId = id,
            SetId = Id(root.Element(V3 + "setId")),
            VersionNumber = int.TryParse(version, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null,
            ReplacedDocumentId = Id(related?.Element(V3 + "parentDocument")?.Element(V3 + "id")),
            Title = root.Element(V3 + "title")?.Value.Trim(),
            TypeCode = (string?)root.Element(V3 + "code")?.Attribute("code"),
            PatientIds = patientRole?.Elements(V3 + "id").Select(Id).OfType<CdaId>().ToList() ?? [],
            BirthFamilyName = Qualified(families, "BR"),
            FirstBirthGivenName = Qualified(givens, "BR"),
            BirthGivenNames = Qualified(givens, null),
            UsedFamilyName = Qualified(families, "CL"),
            BirthDate = (string?)patient?.Element(V3 + "birthTime")?.Attribute("value"),
            Sex = (string?)patient?.Element(V3 + "administrativeGenderCode")?.Attribute("code"),
            BirthPlaceCode = patient?.Element(V3 + "birthplace")?.Descendants(V3 + "county").FirstOrDefault()?.Value.Trim(),
            OrderId = Id(order?.Element(V3 + "id")),
            AccessionNumber = Id(order?.Element(Ps320 + "accessionNumber")),
            StudyInstanceUid = (string?)serviceEvent?.Element(V3 + "id")?.Attribute("root"),
        };
    }

    private static CdaId? Id(XElement? e)
    {
        var root = (string?)e?.Attribute("root");
        return string.IsNullOrWhiteSpace(root) ? null : new CdaId(root.Trim(), ((string?)e!.Attribute("extension"))?.Trim());
    }
}
