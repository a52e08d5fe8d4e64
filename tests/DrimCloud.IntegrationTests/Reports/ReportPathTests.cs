using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using DrimCloud.Forwarder;
using DrimCloud.Forwarder.Cloud;
using DrimCloud.Forwarder.Reports;
using DrimCloud.Hl7.Er7;
using DrimCloud.Hl7.Mllp;
using DrimCloud.Hl7.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DrimCloud.IntegrationTests.Reports;

/// <summary>
/// RIS → forwarder → cloud: the forwarder's report path (MLLP listener, spool, relay) runs in this process, configured
/// like a hospital's forwarder for a fresh tenant of the platform (its forwarder credentials, the platform's identity
/// and API), on a free port with its own spool. A real TCP client sends the ANS messages.
/// </summary>
[Collection("platform")]
public sealed class ReportPathTests(PlatformFixture platform) : IAsyncLifetime
{
    private readonly string _spoolDir = Path.Combine(Path.GetTempPath(), $"drimcloud-it-reports-{Guid.NewGuid():N}");
    private TestTenant _tenant = null!;
    private IHost _forwarder = null!;
    private IPEndPoint _mllp = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _tenant = await platform.CreateTenantAsync("hl7");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Forwarder:Tenant"] = _tenant.Slug,
            ["Forwarder:ClientId"] = _tenant.ForwarderId,
            ["Forwarder:ClientSecret"] = _tenant.ForwarderSecret,
            ["Forwarder:Cloud:ApiUrl"] = platform.App.GetEndpoint("api", "http").ToString(),
            ["Forwarder:Cloud:IdentityUrl"] = platform.App.GetEndpoint("identity", "http").ToString(),
            ["Forwarder:Hl7:BindAddress"] = "127.0.0.1",
            ["Forwarder:Hl7:Port"] = "0",
            ["Forwarder:Hl7:SpoolDirectory"] = _spoolDir,
        });
        builder.Services.AddLogging();
        builder.Services.AddOptions<ForwarderOptions>().Bind(builder.Configuration.GetSection(ForwarderOptions.Section));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient("cloud");
        builder.Services.AddSingleton<CloudLinkStatus>();
        builder.Services.AddSingleton<CloudTokenClient>();
        builder.Services.AddReportPath(builder.Configuration);
        _forwarder = builder.Build();
        await _forwarder.StartAsync();
        _mllp = await _forwarder.Services.GetRequiredService<MllpReportListener>().Listening.WaitAsync(TimeSpan.FromSeconds(30));
        _admin = platform.Client("api");
        _admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await platform.TokenAsync(_tenant.AdminId, _tenant.AdminSecret));
    }

    public async Task DisposeAsync()
    {
        await _forwarder.StopAsync();
        _forwarder.Dispose();
        _admin.Dispose();
        try { Directory.Delete(_spoolDir, recursive: true); }
        catch (IOException) { }
    }

    private async Task<Hl7Message> SendAsync(byte[] message)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_mllp);
        var stream = client.GetStream();
        await MllpWriter.WriteAsync(stream, message, CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ack = await new MllpReader(stream, 1_000_000).ReadMessageAsync(timeout.Token);
        return Hl7Parser.Parse(ack!);
    }

    private async Task<JsonElement> WaitForReportAsync(string documentId, string action)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var list = await _admin.GetFromJsonAsync<JsonElement>($"/tenants/{_tenant.Slug}/reports?documentId={Uri.EscapeDataString(documentId)}");
            var match = list.EnumerateArray().FirstOrDefault(r => r.GetProperty("action").GetString() == action);
            if (match.ValueKind == JsonValueKind.Object) return match;
            Assert.True(DateTime.UtcNow < deadline, $"report {documentId} ({action}) did not reach the cloud in 30 s");
            await Task.Delay(200);
        }
    }

    private async Task<string> StatusOfAsync(Guid id) =>
        (await _admin.GetFromJsonAsync<JsonElement>($"/tenants/{_tenant.Slug}/reports/{id}")).GetProperty("status").GetString()!;

    [Fact]
    public async Task ANS_report_new_then_replacement_then_deletion_reach_the_cloud_and_a_corrupted_one_gets_AE()
    {
        // 1. The ANS ORU of exam C: a new report.
        var oru = AnsSamples.WithControlId(AnsSamples.ExamCOru, $"IT-ORU-{Guid.NewGuid():N}"[..20]);
        var ack = await SendAsync(oru);
        Assert.Equal("AA", ack.First("MSA")!.Value(1));
        var created = await WaitForReportAsync("1.2.250.1.213.4.5.4.403", "new");
        Assert.Equal("279035121518989", created.GetProperty("patientIns").GetString());
        Assert.Equal("1.2.250.1.213.1.4.10", created.GetProperty("patientInsOid").GetString());
        Assert.Equal("IPP101", created.GetProperty("localPatientId").GetString());
        Assert.Equal("1.2.250.1.213.4.5.2.1.103", created.GetProperty("studyInstanceUid").GetString());
        Assert.Equal("ACN103", created.GetProperty("accessionNumber").GetString());
        Assert.Equal("ORU^R01", created.GetProperty("messageType").GetString());
        var originalId = created.GetProperty("id").GetGuid();

        // Its CDA is served as stored, and the raw message left the forwarder's spool only after the cloud took it.
        using (var cda = await _admin.GetAsync(new Uri($"/tenants/{_tenant.Slug}/reports/{originalId}/cda", UriKind.Relative)))
        {
            Assert.Equal("application/xml", cda.Content.Headers.ContentType?.MediaType);
            Assert.Equal(AnsSamples.ExamCCda(), Encoding.UTF8.GetString(await cda.Content.ReadAsByteArrayAsync()));
        }
        await WaitUntilAsync(() => Directory.GetFiles(Path.Combine(_spoolDir, "pending")).Length == 0, "the spool to drain");

        // 2. Replacement (MDM^T10, version 2 with relatedDocument RPLC → 403).
        var replacement = AnsSamples.DeriveMdm($"IT-T10-{Guid.NewGuid():N}"[..20], "T10", newDocumentId: "1.2.250.1.213.4.5.4.403.2");
        Assert.Equal("AA", (await SendAsync(replacement)).First("MSA")!.Value(1));
        var replaced = await WaitForReportAsync("1.2.250.1.213.4.5.4.403.2", "replace");
        Assert.Equal("1.2.250.1.213.4.5.4.403", replaced.GetProperty("parentDocumentId").GetString());
        Assert.Equal(originalId, replaced.GetProperty("replacesReportId").GetGuid());
        Assert.Equal(2, replaced.GetProperty("versionNumber").GetInt32());
        Assert.Equal("MDM^T10", replaced.GetProperty("messageType").GetString());
        Assert.Equal("replaced", await StatusOfAsync(originalId));
        Assert.Equal("current", await StatusOfAsync(replaced.GetProperty("id").GetGuid()));

        // 3. Deletion (MDM^T04 carrying the latest version).
        var deletion = AnsSamples.DeriveMdm($"IT-T04-{Guid.NewGuid():N}"[..20], "T04", newDocumentId: "1.2.250.1.213.4.5.4.403.2");
        Assert.Equal("AA", (await SendAsync(deletion)).First("MSA")!.Value(1));
        var deleted = await WaitForReportAsync("1.2.250.1.213.4.5.4.403.2", "delete");
        Assert.Equal("deleted", deleted.GetProperty("status").GetString());
        Assert.Equal("deleted", await StatusOfAsync(replaced.GetProperty("id").GetGuid()));

        // 4. A corrupted message: AE with the reason, kept in rejected/, nothing new in the cloud.
        var bad = await SendAsync(CorruptedOru());
        Assert.Equal("AE", bad.First("MSA")!.Value(1));
        Assert.Contains("base64", bad.First("MSA")!.Value(3), StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_spoolDir, "rejected"), "*.hl7"));
        var all = await _admin.GetFromJsonAsync<JsonElement>($"/tenants/{_tenant.Slug}/reports");
        Assert.Equal(3, all.GetArrayLength());
    }

    [Fact]
    public async Task Intake_is_idempotent_checks_media_type_and_caller_and_explains_refusals()
    {
        using var api = platform.Client("api");
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await platform.TokenAsync(_tenant.ForwarderId, _tenant.ForwarderSecret));
        var uri = new Uri($"/tenants/{_tenant.Slug}/reports/hl7v2", UriKind.Relative);
        var message = AnsSamples.WithControlId(AnsSamples.AnnexBMdm, "IT-IDEMPOTENT");
        HttpContent Body(byte[] bytes, string type = "application/hl7-v2")
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue(type);
            return content;
        }

        using var first = await api.PostAsync(uri, Body(message));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        using var second = await api.PostAsync(uri, Body(message, "x-application/hl7-v2+er7"));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(),
            (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());

        using var wrongType = await api.PostAsync(uri, Body(message, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);

        using var invalid = await api.PostAsync(uri, Body(CorruptedOru()));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var problem = await invalid.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("AE", problem.GetProperty("acknowledgmentCode").GetString());
        Assert.Contains("base64", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var order = await api.PostAsync(uri, Body(await File.ReadAllBytesAsync(AnsSamples.OmiO23)));
        Assert.Equal("AR", (await order.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("acknowledgmentCode").GetString());

        // An administrator may read but not post; another tenant's forwarder may do neither.
        using var byAdmin = await _admin.PostAsync(uri, Body(message));
        Assert.Equal(HttpStatusCode.Forbidden, byAdmin.StatusCode);
        var other = await platform.CreateTenantAsync("hl7b");
        using var otherApi = platform.Client("api");
        otherApi.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await platform.TokenAsync(other.ForwarderId, other.ForwarderSecret));
        using var crossPost = await otherApi.PostAsync(uri, Body(message));
        Assert.Equal(HttpStatusCode.Forbidden, crossPost.StatusCode);
        using var crossList = await otherApi.GetAsync(new Uri($"/tenants/{_tenant.Slug}/reports", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, crossList.StatusCode);
        using var forwarderList = await api.GetAsync(new Uri($"/tenants/{_tenant.Slug}/reports", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, forwarderList.StatusCode);
    }

    private static byte[] CorruptedOru()
    {
        var text = Encoding.UTF8.GetString(AnsSamples.WithControlId(AnsSamples.ExamCOru, "IT-BAD"));
        var at = text.IndexOf("^Base64^", StringComparison.Ordinal) + 300;
        return Encoding.UTF8.GetBytes(text[..at] + "*%*" + text[(at + 3)..]);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }
}
