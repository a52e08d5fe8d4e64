using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using DrimCloud.Api.DicomWeb.Store;
using DrimCloud.Data;
using DrimCloud.Domain.Imaging;
using Microsoft.EntityFrameworkCore;

namespace QidoBench;

/// <summary>
/// Writes index rows as STOW would (columns, study/series JSON, gzip instance metadata) straight into the database:
/// N studies of 1-3 series of 1-2 instances with realistic names, dates, modalities and accession numbers, plus one
/// "big" study whose single series holds 2,000 instances. Deterministic (fixed seed): UIDs are 2.25.777.{i}.{j}.{k},
/// the big study is <see cref="BigStudy"/>, patient PID000000 has two studies.
/// </summary>
public static class Seeder
{
    public const string BigStudy = "2.25.999.1";
    public const string BigSeries = "2.25.999.1.1";
    private const int Batch = 2_000;

    private static readonly string[] s_families =
    [
        "MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU", "LAURENT", "SIMON", "MICHEL",
        "LEFEBVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL", "FOURNIER", "GIRARD", "BONNET", "DUPONT", "LAMBERT", "FONTAINE",
        "ROUSSEAU", "VINCENT", "MULLER", "LEFEVRE", "FAURE", "ANDRE", "MERCIER", "BLANC", "GUERIN", "BOYER", "GARNIER", "CHEVALIER",
        "FRANCOIS", "LEGRAND", "GAUTHIER", "GARCIA", "PERRIN", "ROBIN", "CLEMENT", "MORIN", "NICOLAS", "HENRY", "ROUSSEL", "MATHIEU",
        "GAUTIER", "MASSON", "MARCHAND", "DUVAL", "DENIS", "DUMONT", "MARIE", "LEMAIRE", "NOEL", "MEYER", "DUFOUR", "MEUNIER",
        "BRUN", "BLANCHARD", "GIRAUD", "JOLY", "RIVIERE", "LUCAS", "BRUNET", "GAILLARD", "BARBIER", "ARNAUD", "MARTINEZ", "GERARD",
        "ROCHE", "RENARD", "SCHMITT", "ROY", "LEROUX", "COLIN", "VIDAL", "CARON", "PICARD", "ROGER", "FABRE", "AUBERT", "LEMOINE",
        "RENAUD", "DUMAS", "LACROIX", "OLIVIER", "PHILIPPE", "BOURGEOIS", "PIERRE", "BENOIT", "REY", "LECLERC", "PAYET", "ROLLAND",
        "Müller", "Hélène-Dupré", "Nguyen", "Da Silva", "O'Brien",
    ];

    private static readonly string[] s_givens =
    [
        "JEAN", "MARIE", "PIERRE", "ANNE", "MICHEL", "NATHALIE", "PHILIPPE", "ISABELLE", "ALAIN", "SYLVIE", "NICOLAS", "CATHERINE",
        "CHRISTOPHE", "SANDRINE", "PATRICK", "VALERIE", "LAURENT", "CHRISTINE", "FREDERIC", "CELINE", "Élodie", "Zoé", "Jérôme", "Loïc",
    ];

    private static readonly (string Modality, string[] Descriptions, int Weight)[] s_modalities =
    [
        ("CT", ["CT THORAX", "CT ABDOMEN PELVIS", "CT HEAD WO CONTRAST", "CT CHEST ANGIO"], 30),
        ("MR", ["MR BRAIN", "MR KNEE LEFT", "MR LUMBAR SPINE", "MR PELVIS"], 20),
        ("CR", ["XR CHEST PA LAT", "XR C SPINE", "XR HAND", "XR PELVIS"], 20),
        ("US", ["US ABDOMEN", "US THYROID", "US OBSTETRIC"], 12),
        ("MG", ["MAMMO SCREENING BILATERAL", "MAMMO DIAGNOSTIC"], 8),
        ("PT", ["PET CT WHOLE BODY", "PET CT ONCO"], 5),
        ("XA", ["CORONARY ANGIOGRAPHY"], 3),
        ("NM", ["BONE SCAN"], 2),
    ];

    public static async Task RunAsync(DatabaseProvider provider, string connectionString, string tenantSlug, int studies)
    {
        var clock = Stopwatch.StartNew();
        var create = DataServiceCollectionExtensions.ContextFactory(provider, connectionString);
        Guid tenantId;
        await using (var platform = create(TenantContext.None()))
            tenantId = (await platform.Tenants.SingleAsync(t => t.Slug == tenantSlug)).Id;

        var random = new Random(42);
        var rows = 0;
        for (var start = 0; start < studies; start += Batch)
        {
            await using var db = create(TenantContext.For(tenantId));
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = start; i < Math.Min(studies, start + Batch); i++) rows += AddStudy(db, random, i);
            await db.SaveChangesAsync();
        }
        await using (var db = create(TenantContext.For(tenantId)))
        {
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            rows += AddBigStudy(db);
            await db.SaveChangesAsync();
        }
        if (provider == DatabaseProvider.PostgreSql)
        {
            // What autovacuum does within a minute of a bulk load: statistics and the visibility map (index-only scans).
            await using var db = create(TenantContext.None());
            await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE");
        }
        Console.WriteLine($"seeded {studies:N0} studies (+1 of 2,000 instances), {rows:N0} rows, in {clock.Elapsed.TotalSeconds:F0} s");
    }

    private static int AddStudy(DrimCloudDbContext db, Random random, int i)
    {
        // Patient numbers repeat, so that most patients have one or two studies; PID000000 has exactly two (0 and 1).
        var patient = i < 2 ? 0 : 1 + random.Next(0, 60_000);
        var family = s_families[(int)((long)patient * 7919 % s_families.Length)];
        if (patient % 97 == 3) family = patient % 2 == 0 ? "SMITH" : "SMITHSON";
        var name = $"{family}^{s_givens[(int)((long)patient * 104729 % s_givens.Length)]}";
        var patientId = $"PID{patient:D6}";
        var birth = new DateOnly(1930, 1, 1).AddDays((int)((long)patient * 7_321 % 30_000));
        var date = new DateOnly(2005, 1, 1).AddDays(random.Next(0, 20 * 365));
        var time = $"{random.Next(7, 20):D2}{random.Next(0, 60):D2}{random.Next(0, 60):D2}";
        var (modality, descriptions, _) = PickModality(random);
        var description = descriptions[random.Next(descriptions.Length)];
        var seriesCount = random.Next(1, 4);
        var uid = $"2.25.777.{i}";
        var seriesModalities = Enumerable.Range(0, seriesCount).Select(j => j == 2 && modality == "CT" ? "SR" : j == 1 && modality == "PT" ? "CT" : modality).ToArray();
        var instances = new int[seriesCount];
        for (var j = 0; j < seriesCount; j++) instances[j] = random.Next(1, 3);

        var study = new Study
        {
            StudyInstanceUid = uid, PatientName = name, PatientNameSearch = InstanceHeader.FoldName(name), DicomPatientId = patientId,
            PatientBirthDate = birth.ToString("yyyyMMdd", CultureInfo.InvariantCulture), PatientSex = patient % 2 == 0 ? "F" : "M",
            StudyDate = date.ToString("yyyyMMdd", CultureInfo.InvariantCulture), StudyTime = time, AccessionNumber = $"A{20_000_000 + i}",
            StudyId = (i % 10_000).ToString(CultureInfo.InvariantCulture), StudyDescription = description, ReferringPhysicianName = "HOUSE^GREGORY",
            ModalitiesInStudy = string.Join('\\', seriesModalities.Distinct().Order(StringComparer.Ordinal)),
            NumberOfSeries = seriesCount, NumberOfInstances = instances.Sum(),
            StudyAttributesJson = StudyJson(uid, name, patientId, study: (date, time, description)),
        };
        db.Studies.Add(study);
        var rows = 1;
        for (var j = 0; j < seriesCount; j++)
        {
            var series = NewSeries(study, $"{uid}.{j + 1}", seriesModalities[j], j + 1, instances[j]);
            db.Series.Add(series);
            for (var k = 1; k <= instances[j]; k++) db.Instances.Add(NewInstance(series, uid, $"{series.SeriesInstanceUid}.{k}", k));
            rows += 1 + instances[j];
        }
        return rows;
    }

    private static int AddBigStudy(DrimCloudDbContext db)
    {
        var study = new Study
        {
            StudyInstanceUid = BigStudy, PatientName = "BIG^STUDY", PatientNameSearch = "BIG STUDY", DicomPatientId = "PIDBIG",
            StudyDate = "20240101", StudyTime = "120000", AccessionNumber = "ABIG", StudyDescription = "CT 2000 SLICES", ModalitiesInStudy = "CT",
            NumberOfSeries = 1, NumberOfInstances = 2_000, StudyAttributesJson = StudyJson(BigStudy, "BIG^STUDY", "PIDBIG", (new DateOnly(2024, 1, 1), "120000", "CT 2000 SLICES")),
        };
        db.Studies.Add(study);
        var series = NewSeries(study, BigSeries, "CT", 1, 2_000);
        db.Series.Add(series);
        for (var k = 1; k <= 2_000; k++) db.Instances.Add(NewInstance(series, BigStudy, $"{BigSeries}.{k}", k));
        return 2_002;
    }

    private static (string, string[], int) PickModality(Random random)
    {
        var roll = random.Next(s_modalities.Sum(m => m.Weight));
        foreach (var m in s_modalities)
        {
            if (roll < m.Weight) return m;
            roll -= m.Weight;
        }
        return s_modalities[0];
    }

    private static Series NewSeries(Study study, string uid, string modality, int number, int instances) => new()
    {
        SeriesInstanceUid = uid, Study = study, Modality = modality, SeriesNumber = number, SeriesDescription = $"{modality} SERIES {number}",
        SeriesDate = study.StudyDate, NumberOfInstances = instances,
        SeriesAttributesJson = $$$"""{"00080060":{"vr":"CS","Value":["{{{modality}}}"]},"0008103E":{"vr":"LO","Value":["{{{modality}}} SERIES {{{number}}}"]},"0020000E":{"vr":"UI","Value":["{{{uid}}}"]},"00200011":{"vr":"IS","Value":[{{{number}}}]},"00080070":{"vr":"LO","Value":["ACME MEDICAL"]},"00181030":{"vr":"LO","Value":["ROUTINE"]}}""",
    };

    private static Instance NewInstance(Series series, string studyUid, string sop, int number) => new()
    {
        SopInstanceUid = sop, SopClassUid = "1.2.840.10008.5.1.4.1.1.2", TransferSyntaxUid = "1.2.840.10008.1.2.1", Sha256 = new string('0', 64),
        BlobKey = Instance.BlobKeyFor(studyUid, series.SeriesInstanceUid, sop), SizeBytes = 530_000, InstanceNumber = number,
        Rows = 512, Columns = 512, BitsAllocated = 16, Series = series,
        MetadataGz = Gzip($$$"""{"00080016":{"vr":"UI","Value":["1.2.840.10008.5.1.4.1.1.2"]},"00080018":{"vr":"UI","Value":["{{{sop}}}"]},"00200013":{"vr":"IS","Value":[{{{number}}}]},"00180050":{"vr":"DS","Value":[1.25]},"00200032":{"vr":"DS","Value":[-250,-250,{{{number * 1.25}}}]},"00280010":{"vr":"US","Value":[512]},"00280011":{"vr":"US","Value":[512]},"00280100":{"vr":"US","Value":[16]},"7FE00010":{"vr":"OW","BulkDataURI":"dicomweb:/studies/{{{studyUid}}}/series/{{{series.SeriesInstanceUid}}}/instances/{{{sop}}}/bulk/7FE00010"}}"""),
    };

    private static string StudyJson(string uid, string name, string patientId, (DateOnly Date, string Time, string Description) study) =>
        $$$"""{"00080020":{"vr":"DA","Value":["{{{study.Date:yyyyMMdd}}}"]},"00080030":{"vr":"TM","Value":["{{{study.Time}}}"]},"00080080":{"vr":"LO","Value":["CENTRE HOSPITALIER DEMO"]},"00080090":{"vr":"PN","Value":[{"Alphabetic":"HOUSE^GREGORY"}]},"00081030":{"vr":"LO","Value":["{{{study.Description}}}"]},"00100010":{"vr":"PN","Value":[{"Alphabetic":"{{{name}}}"}]},"00100020":{"vr":"LO","Value":["{{{patientId}}}"]},"00100021":{"vr":"LO","Value":["HOSP"]},"00101010":{"vr":"AS","Value":["045Y"]},"00101020":{"vr":"DS","Value":[1.72]},"00101030":{"vr":"DS","Value":[71.5]},"0020000D":{"vr":"UI","Value":["{{{uid}}}"]},"00200010":{"vr":"SH","Value":["1"]},"00321032":{"vr":"PN","Value":[{"Alphabetic":"WATSON^JOHN"}]},"00321060":{"vr":"LO","Value":["{{{study.Description}}}"]}}""";

    private static byte[] Gzip(string json)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(Encoding.UTF8.GetBytes(json));
        return buffer.ToArray();
    }
}
