using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using DrimCloud.Api.DicomWeb.Store;
using DrimCloud.Data;
using DrimCloud.Domain.Imaging;

namespace DrimCloud.Api.Tests.Query;

public sealed record CorpusSeries(string Uid, string Modality, int Number, int Instances, string? Description = null, string? BodyPart = null);

public sealed record CorpusStudy(string Uid, string PatientName, string PatientId, string? Date, string? Time, string Accession,
    string Description, IReadOnlyList<CorpusSeries> Series, string? BirthDate = null, string? Referring = null,
    string? Institution = null, string? OtherPatientId = null);

/// <summary>
/// The index rows the matching tests search, written as STOW would write them (columns, level JSON, gzip metadata).
/// Names exercise folding (Müller, María), special characters exercise wildcard escaping (AC%_[!).
/// </summary>
public static class QueryCorpus
{
    public const string Muller = "2.25.1", Smith = "2.25.2", Smithson = "2.25.3", Cruz = "2.25.4", Undated = "2.25.5", OtherTenantOnly = "2.25.9";

    public static IReadOnlyList<CorpusStudy> TenantAStudies() =>
    [
        new(Muller, "Müller^Jürgen", "PID-1", "20200115", "083000", "ACC1", "CT THORAX",
            [new("2.25.1.1", "CT", 1, 3, "AXIAL", "CHEST"), new("2.25.1.2", "SR", 2, 1)],
            BirthDate: "19600101", Referring: "House^Gregory", Institution: "HOPITAL NORD", OtherPatientId: "INS-1"),
        new(Smith, "Smith^John", "PID-2", "20200301", "235900", "ACC2", "MR BRAIN", [new("2.25.2.1", "MR", 1, 2, "T1")],
            Institution: "CLINIQUE SUD"),
        new(Smithson, "SMITHSON^ANNA", "PID-3", "20210710", "101500", "AC%_[!", "X-RAY CHEST", [new("2.25.3.1", "CR", 1, 1)]),
        new(Cruz, "de la Cruz^María", "PID-4", "20200301", "080000", "ACC4", "PET CT",
            [new("2.25.4.1", "PT", 1, 1), new("2.25.4.2", "CT", 2, 2, "LOW DOSE")]),
        new(Undated, "Doe^Jane", "PID-5", null, null, "acc5", "mr knee", [new("2.25.5.1", "MR", 3, 1)]),
    ];

    /// <summary>Tenant B holds Müller's study under the same UIDs (another patient name), and a Smith of its own.</summary>
    public static IReadOnlyList<CorpusStudy> TenantBStudies() =>
    [
        new(Muller, "Müller^Bernd", "PID-1", "20200115", "083000", "ACC1", "CT THORAX",
            [new("2.25.1.1", "CT", 1, 5), new("2.25.1.3", "MR", 3, 1)]),
        new(OtherTenantOnly, "Smith^Bob", "PID-9", "20200301", "120000", "ACC9", "MR BRAIN", [new("2.25.9.1", "MR", 1, 1)]),
    ];

    public static async Task SeedAsync(DrimCloudDbContext db, IReadOnlyList<CorpusStudy> studies)
    {
        foreach (var s in studies)
        {
            var study = new Study
            {
                StudyInstanceUid = s.Uid, PatientName = s.PatientName, PatientNameSearch = InstanceHeader.FoldName(s.PatientName),
                DicomPatientId = s.PatientId, StudyDate = s.Date, StudyTime = s.Time, AccessionNumber = s.Accession,
                StudyDescription = s.Description, PatientBirthDate = s.BirthDate, ReferringPhysicianName = s.Referring, PatientSex = "O",
                ModalitiesInStudy = string.Join('\\', s.Series.Select(x => x.Modality).Distinct().Order(StringComparer.Ordinal)),
                NumberOfSeries = s.Series.Count, NumberOfInstances = s.Series.Sum(x => x.Instances),
                StudyAttributesJson = StudyJson(s),
            };
            db.Studies.Add(study);
            foreach (var x in s.Series)
            {
                var series = new Series
                {
                    SeriesInstanceUid = x.Uid, Modality = x.Modality, SeriesNumber = x.Number, SeriesDescription = x.Description,
                    BodyPartExamined = x.BodyPart, NumberOfInstances = x.Instances, Study = study, SeriesDate = s.Date,
                    SeriesAttributesJson = new JsonObject
                    {
                        ["00080060"] = Text("CS", x.Modality), ["0020000E"] = Text("UI", x.Uid), ["00081050"] = Name("Performer^Paula"),
                    }.ToJsonString(),
                };
                db.Series.Add(series);
                for (var n = 1; n <= x.Instances; n++)
                {
                    var sop = $"{x.Uid}.{n}";
                    db.Instances.Add(new Instance
                    {
                        SopInstanceUid = sop, SopClassUid = "1.2.840.10008.5.1.4.1.1.2", TransferSyntaxUid = "1.2.840.10008.1.2.1",
                        Sha256 = new string('0', 64), BlobKey = Instance.BlobKeyFor(s.Uid, x.Uid, sop), InstanceNumber = n,
                        Rows = 512, Columns = 512, BitsAllocated = 16, Series = series, MetadataGz = Gzip(InstanceJson(s, x, sop, n)),
                    });
                }
            }
        }
        await db.SaveChangesAsync();
    }

    private static string StudyJson(CorpusStudy s)
    {
        var json = new JsonObject
        {
            ["00100010"] = Name(s.PatientName), ["00100020"] = Text("LO", s.PatientId), ["0020000D"] = Text("UI", s.Uid),
            ["00101010"] = Text("AS", "042Y"),
        };
        if (s.Institution is not null) json["00080080"] = Text("LO", s.Institution);
        if (s.OtherPatientId is not null)
        {
            json["00101002"] = new JsonObject
            {
                ["vr"] = "SQ",
                ["Value"] = new JsonArray(new JsonObject { ["00100020"] = Text("LO", s.OtherPatientId), ["00100021"] = Text("LO", "INS") }),
            };
        }
        return json.ToJsonString();
    }

    private static string InstanceJson(CorpusStudy s, CorpusSeries x, string sop, int number) => new JsonObject
    {
        ["00080018"] = Text("UI", sop), ["0020000D"] = Text("UI", s.Uid), ["0020000E"] = Text("UI", x.Uid),
        ["00100010"] = Name(s.PatientName), ["00080060"] = Text("CS", x.Modality),
        ["00180050"] = new JsonObject { ["vr"] = "DS", ["Value"] = new JsonArray(number + 0.5) },
        ["00200013"] = new JsonObject { ["vr"] = "IS", ["Value"] = new JsonArray(number) },
        ["00080008"] = new JsonObject { ["vr"] = "CS", ["Value"] = new JsonArray("ORIGINAL", "PRIMARY", number == 1 ? "LOCALIZER" : "AXIAL") },
        ["7FE00010"] = new JsonObject { ["vr"] = "OW", ["BulkDataURI"] = $"dicomweb:/studies/{s.Uid}/series/{x.Uid}/instances/{sop}/bulk/7FE00010" },
    }.ToJsonString();

    private static JsonObject Text(string vr, string value) => new() { ["vr"] = vr, ["Value"] = new JsonArray(value) };

    private static JsonObject Name(string value) => new() { ["vr"] = "PN", ["Value"] = new JsonArray(new JsonObject { ["Alphabetic"] = value }) };

    private static byte[] Gzip(string json)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(Encoding.UTF8.GetBytes(json));
        return buffer.ToArray();
    }
}
