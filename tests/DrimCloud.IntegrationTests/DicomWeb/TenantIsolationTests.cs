using System.Net;
using DrimCloud.Dicom;
using DrimCloud.Tests;

namespace DrimCloud.IntegrationTests.DicomWeb;

/// <summary>
/// No DICOMweb endpoint of one tenant returns, counts, accepts a store into, or reveals another tenant's studies:
/// the same UIDs stored in two tenants stay two independent objects.
/// </summary>
[Collection("platform")]
public sealed class TenantIsolationTests(PlatformFixture platform)
{
    private const string AnyTransferSyntax = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";

    [Fact]
    public async Task The_same_UIDs_in_two_tenants_are_two_independent_objects()
    {
        var (tenantA, tenantB) = (await platform.CreateTenantAsync("iso-a"), await platform.CreateTenantAsync("iso-b"));
        using var a = await platform.DicomWebAsync(tenantA);
        using var b = await platform.DicomWebAsync(tenantB);
        var original = SampleFiles.Path("pydicom/MR_small_RLE.dcm");
        // Tenant B holds a different object under the same UIDs (another patient name).
        var altered = Path.Combine(Path.GetTempPath(), $"altered-{Guid.NewGuid():N}.dcm");
        using (var file = DicomFile.Open(original))
        {
            file.Dataset.SetString(DicomTags.PatientName, DicomVR.PN, "TENANT^B");
            DicomWriter.Save(file, altered);
        }
        try
        {
            Assert.Contains((await a.StoreAsync([original])).Status, new[] { 200 });
            Assert.Contains((await b.StoreAsync([altered])).Status, new[] { 200 });
            using var dicom = DicomFile.Open(original);
            var (study, series, sop) = StoreAndRetrieveTests.Uids(dicom);
            var path = $"/studies/{study}/series/{series}/instances/{sop}";

            Assert.Equal(StoreAndRetrieveTests.Sha256(File.ReadAllBytes(original)), await RetrieveHashAsync(a, path));
            Assert.Equal(StoreAndRetrieveTests.Sha256(File.ReadAllBytes(altered)), await RetrieveHashAsync(b, path));

            using var metadataB = await b.GetJsonAsync($"/studies/{study}/series/{series}/metadata");
            Assert.Contains("TENANT^B", metadataB.RootElement.GetRawText(), StringComparison.Ordinal);
            using var metadataA = await a.GetJsonAsync($"/studies/{study}/series/{series}/metadata");
            Assert.DoesNotContain("TENANT^B", metadataA.RootElement.GetRawText(), StringComparison.Ordinal);
            Assert.Single(metadataA.RootElement.EnumerateArray());

            // Deleting in B leaves A's object alone.
            using var adminB = await platform.DicomWebAsync(tenantB, administrator: true);
            using var deleted = await adminB.SendAsync(new HttpRequestMessage(HttpMethod.Delete, new Uri($"{adminB.Base}{path}", UriKind.Relative)));
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            Assert.Equal(StoreAndRetrieveTests.Sha256(File.ReadAllBytes(original)), await RetrieveHashAsync(a, path));
            using var goneInB = await b.GetAsync(path, AnyTransferSyntax);
            Assert.Equal(HttpStatusCode.NotFound, goneInB.StatusCode);
        }
        finally
        {
            File.Delete(altered);
        }
    }

    [Fact]
    public async Task A_study_of_another_tenant_looks_exactly_like_a_study_that_does_not_exist()
    {
        using var b = await platform.DicomWebAsync(await platform.CreateTenantAsync("iso-b"));
        using var a = await platform.DicomWebAsync(await platform.CreateTenantAsync("iso-a"));
        var file = SampleFiles.Path("pydicom/liver_1frame.dcm");
        await b.StoreAsync([file]);
        using var dicom = DicomFile.Open(file);
        var (study, series, sop) = StoreAndRetrieveTests.Uids(dicom);

        foreach (var (path, accept) in new[]
        {
            ($"/studies/{study}", AnyTransferSyntax),
            ($"/studies/{study}/series/{series}", AnyTransferSyntax),
            ($"/studies/{study}/series/{series}/instances/{sop}", AnyTransferSyntax),
            ($"/studies/{study}/metadata", "application/dicom+json"),
            ($"/studies/{study}/series/{series}/metadata", "application/dicom+json"),
            ($"/studies/{study}/series/{series}/instances/{sop}/metadata", "application/dicom+json"),
            ($"/studies/{study}/series/{series}/instances/{sop}/frames/1", "multipart/related; type=application/octet-stream; transfer-syntax=*"),
            ($"/studies/{study}/series/{series}/instances/{sop}/bulk/7FE00010", "application/octet-stream"),
            ($"/studies/{study}/thumbnail", "image/jpeg"),
            ($"/studies/{study}/series/{series}/rendered", "multipart/related; type=image/jpeg"),
            ($"/studies/{study}/series/{series}/instances/{sop}/rendered", "image/jpeg"),
            ($"/studies/{study}/series/{series}/instances/{sop}/frames/1/thumbnail", "image/jpeg"),
        })
        {
            using var response = await a.GetAsync(path, accept);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
            var unknown = path.Replace(study, "1.2.3.999999", StringComparison.Ordinal);
            using var absent = await a.GetAsync(unknown, accept);
            Assert.Equal(response.StatusCode, absent.StatusCode);
            Assert.Equal(await ProblemTitle(response), await ProblemTitle(absent));
        }

        // Searches see nothing of B's study either: the same empty answer as for a study that does not exist.
        foreach (var search in new[] { $"/studies?StudyInstanceUID={study}", $"/studies/{study}/series", $"/studies/{study}/instances", $"/series?SeriesInstanceUID={series}", $"/instances?SOPInstanceUID={sop}" })
        {
            using var found = await a.GetJsonAsync(search);
            Assert.True(found.RootElement.GetArrayLength() == 0, $"{search}: {found.RootElement.GetRawText()}");
        }
    }

    [Fact]
    public async Task A_token_of_one_tenant_opens_no_endpoint_of_another()
    {
        var (tenantA, tenantB) = (await platform.CreateTenantAsync("iso-a"), await platform.CreateTenantAsync("iso-b"));
        using var a = await platform.DicomWebAsync(tenantA);
        var tokenB = await platform.TokenAsync(tenantB.ForwarderId, tenantB.ForwarderSecret);
        using var intruder = new DicomWebTestClient(platform.Client("api"), tenantA.Slug, tokenB);
        var file = SampleFiles.Path("pydicom/CT_small.dcm");
        await a.StoreAsync([file]);
        using var dicom = DicomFile.Open(file);
        var (study, series, sop) = StoreAndRetrieveTests.Uids(dicom);

        var (storeStatus, _) = await intruder.StoreAsync([file]);
        Assert.Equal(403, storeStatus);
        foreach (var path in new[]
        {
            $"/studies/{study}", $"/studies/{study}/metadata", $"/studies/{study}/series/{series}/instances/{sop}/frames/1",
            $"/studies/{study}/series/{series}/instances/{sop}/bulk/7FE00010", $"/studies/{study}/series/{series}/metadata",
            $"/studies?StudyInstanceUID={study}", $"/studies/{study}/series", $"/studies/{study}/instances", $"/series", $"/instances",
            $"/studies/{study}/thumbnail", $"/studies/{study}/series/{series}/instances/{sop}/rendered",
        })
        {
            using var response = await intruder.GetAsync(path, "*/*");
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{path}: {(int)response.StatusCode}");
        }
        var adminB = await platform.TokenAsync(tenantB.AdminId, tenantB.AdminSecret);
        using var adminIntruder = new DicomWebTestClient(platform.Client("api"), tenantA.Slug, adminB);
        using var delete = await adminIntruder.SendAsync(new HttpRequestMessage(HttpMethod.Delete, new Uri($"/tenants/{tenantA.Slug}/dicomweb/studies/{study}", UriKind.Relative)));
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        Assert.NotNull(await RetrieveHashAsync(a, $"/studies/{study}/series/{series}/instances/{sop}"));
    }

    private static async Task<string?> RetrieveHashAsync(DicomWebTestClient client, string path)
    {
        using var response = await client.GetAsync(path, AnyTransferSyntax);
        if (response.StatusCode != HttpStatusCode.OK) return null;
        return StoreAndRetrieveTests.Sha256(Assert.Single(await MultipartBody.ReadAsync(response)).Body);
    }

    private static async Task<string?> ProblemTitle(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var json = System.Text.Json.JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        return json.RootElement.TryGetProperty("title", out var t) ? t.GetString() : null;
    }
}
