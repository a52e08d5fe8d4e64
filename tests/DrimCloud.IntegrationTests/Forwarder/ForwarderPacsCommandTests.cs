using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DrimCloud.Dicom;
using DrimCloud.IntegrationTests.DicomWeb;
using DrimCloud.Tests;

namespace DrimCloud.IntegrationTests.Forwarder;

/// <summary>
/// A real forwarder process next to a real Orthanc as the hospital's PACS, driven from the cloud only through its
/// command channel: a pull makes the forwarder C-MOVE a study out of Orthanc and up to the cloud; a push makes it
/// C-STORE a cloud study into Orthanc. Its heartbeat shows the PACS link to the tenant's administrators.
/// </summary>
[Collection("platform")]
public sealed class ForwarderPacsCommandTests(PlatformFixture platform)
{
    [Fact]
    public async Task The_cloud_pulls_a_study_from_the_PACS_and_pushes_one_into_it_through_the_forwarder()
    {
        var tenant = await platform.CreateTenantAsync("pacs");
        using var folder = new ForwarderTestFolder();
        // The PACS knows the forwarder as a DICOM node (what the hospital's PACS admin declares once).
        var forwarderPort = FreePort();
        await using var orthanc = await OrthancProcess.StartAsync(new OrthancOptions
        {
            AeTitle = "HOSPACS",
            DicomModalities = new Dictionary<string, OrthancModality> { ["drimcloud"] = new("DRIMCLOUD", "127.0.0.1", forwarderPort) },
        });
        await using var forwarder = await ForwarderProcess.StartAsync(platform, tenant, folder.Sub("spool"), settings: new Dictionary<string, string>
        {
            ["Forwarder__Dicom__Port"] = forwarderPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Forwarder__Pacs__Host"] = "127.0.0.1",
            ["Forwarder__Pacs__Port"] = orthanc.DicomPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Forwarder__Pacs__AeTitle"] = "HOSPACS",
            ["Forwarder__Control__HeartbeatInterval"] = "00:00:01",
            ["Forwarder__Control__PollWaitSeconds"] = "5",
            ["Forwarder__Control__WorkFolder"] = folder.Sub("push"),
        });

        using var admin = await platform.ApiAsync(tenant.AdminId, tenant.AdminSecret);
        using var dicomweb = await platform.DicomWebAsync(tenant);
        var commands = new Uri($"/tenants/{tenant.Slug}/forwarders/{tenant.ForwarderId}/commands", UriKind.Relative);

        // Heartbeat: the forwarder is online and its PACS answers C-ECHO.
        var status = await WaitForAsync(async () =>
        {
            var list = await admin.GetFromJsonAsync<JsonElement>($"/tenants/{tenant.Slug}/forwarders");
            var row = list.EnumerateArray().Single(f => f.GetProperty("clientId").GetString() == tenant.ForwarderId);
            return row.GetProperty("status") is { ValueKind: JsonValueKind.Object } s && s.GetProperty("pacsLink").GetString() == "ok" ? s : (JsonElement?)null;
        }, forwarder);
        Assert.Contains("HOSPACS@127.0.0.1", status.GetProperty("pacsDetail").GetString(), StringComparison.Ordinal);

        // Pull: a study only the PACS holds.
        var pacsFile = SampleFiles.Path("pydicom/MR_small.dcm");
        var orthancId = await orthanc.UploadAsync(pacsFile);
        var pacsStudy = SampleFiles.Manifest().Single(r => r["file"] == "pydicom/MR_small.dcm")["study_uid"];
        var pull = await CreateAsync(admin, commands, new { kind = "pull-from-pacs", studyInstanceUid = pacsStudy });
        var pulled = await WaitForOutcomeAsync(admin, commands, pull, forwarder);
        Assert.True(pulled.GetProperty("state").GetString() == "succeeded", pulled.ToString());
        Assert.Equal(1, pulled.GetProperty("instances").GetInt32());
        var inCloud = await CloudInstances.WaitAsync(dicomweb, rows => rows.Any(r => r.Study == pacsStudy), TimeSpan.FromSeconds(60));
        var row = Assert.Single(inCloud, r => r.Study == pacsStudy);
        var fromPacs = await orthanc.GetBytesAsync($"instances/{orthancId}/file");
        // The PACS may re-encode on C-MOVE (its negotiated transfer syntax): same instance, same patient, same pixels.
        AssertSameInstance(fromPacs, await CloudBytesAsync(dicomweb, row));

        // Push: a study only the cloud holds ends up in the PACS, byte-identical.
        var cloudFile = SampleFiles.Path("pydicom/CT_small.dcm");
        Assert.Equal(200, (await dicomweb.StoreAsync([cloudFile])).Status);
        var cloudStudy = SampleFiles.Manifest().Single(r => r["file"] == "pydicom/CT_small.dcm")["study_uid"];
        var push = await CreateAsync(admin, commands, new { kind = "push-to-pacs", studyInstanceUid = cloudStudy });
        var pushed = await WaitForOutcomeAsync(admin, commands, push, forwarder);
        Assert.True(pushed.GetProperty("state").GetString() == "succeeded", pushed.ToString());
        // Orthanc's lookup takes the bare UID as its body.
        using var lookup = await orthanc.Http.PostAsync("tools/lookup", new StringContent(cloudStudy));
        var found = System.Text.Json.Nodes.JsonNode.Parse(await lookup.Content.ReadAsStringAsync())!.AsArray();
        var studyId = found.Single(x => x!["Type"]!.GetValue<string>() == "Study")!["ID"]!.GetValue<string>();
        var instances = (await orthanc.GetJsonAsync($"studies/{studyId}/instances"))!.AsArray();
        var stored = Assert.Single(instances)!["ID"]!.GetValue<string>();
        AssertSameInstance(await File.ReadAllBytesAsync(cloudFile), await orthanc.GetBytesAsync($"instances/{stored}/file"));

        // A pull of something the PACS does not have fails with the reason.
        var missing = await CreateAsync(admin, commands, new { kind = "pull-from-pacs", accessionNumber = "NOPE404" });
        var failed = await WaitForOutcomeAsync(admin, commands, missing, forwarder);
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.Contains("no study with accession number NOPE404", failed.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static void AssertSameInstance(byte[] expected, byte[] actual)
    {
        using var a = DicomFile.Read(new MemoryStream(expected));
        using var b = DicomFile.Read(new MemoryStream(actual));
        foreach (var tag in new[] { DicomTags.SOPInstanceUID, DicomTags.StudyInstanceUID, DicomTags.PatientID, DicomTags.PatientName })
            Assert.Equal(a.Dataset.GetString(tag), b.Dataset.GetString(tag));
        Assert.Equal(a.Dataset[DicomTag.PixelData].ReadValue().ToArray(), b.Dataset[DicomTag.PixelData].ReadValue().ToArray());
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<Guid> CreateAsync(HttpClient admin, Uri commands, object body)
    {
        using var created = await admin.PostAsJsonAsync(commands, body);
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static Task<JsonElement> WaitForOutcomeAsync(HttpClient admin, Uri commands, Guid id, ForwarderProcess forwarder) =>
        WaitForAsync(async () =>
        {
            var command = await admin.GetFromJsonAsync<JsonElement>($"{commands}/{id}");
            return command.GetProperty("state").GetString() is "succeeded" or "failed" ? command : (JsonElement?)null;
        }, forwarder);

    private static async Task<JsonElement> WaitForAsync(Func<Task<JsonElement?>> probe, ForwarderProcess forwarder)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } done) return done;
            await Task.Delay(300);
        }
        throw new TimeoutException($"Nothing happened in 90 s. Forwarder log:\n{forwarder.Log}");
    }

    private static async Task<byte[]> CloudBytesAsync(DicomWebTestClient client, CloudInstances.Row row)
    {
        using var response = await client.GetAsync($"/studies/{row.Study}/series/{row.Series}/instances/{row.Sop}",
            "multipart/related; type=\"application/dicom\"; transfer-syntax=*");
        return Assert.Single(await MultipartBody.ReadAsync(response)).Body;
    }
}
