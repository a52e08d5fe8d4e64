using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DrimCloud.Hl7.Tests;
using DrimCloud.Tests;

namespace DrimCloud.IntegrationTests.Forwarders;

/// <summary>
/// The forwarders' control plane over HTTP: heartbeats kept per forwarder and shown to the tenant's administrators,
/// commands queued by administrators, long-polled, claimed once and completed by the one forwarder they target.
/// </summary>
[Collection("platform")]
public sealed class ForwarderControlTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_heartbeat_is_kept_and_shown_to_administrators_only()
    {
        var tenant = await platform.CreateTenantAsync("hb");
        using var forwarder = await platform.ApiAsync(tenant.ForwarderId, tenant.ForwarderSecret);
        using var admin = await platform.ApiAsync(tenant.AdminId, tenant.AdminSecret);
        var oldest = DateTimeOffset.UtcNow.AddMinutes(-3);
        using (var beat = await forwarder.PutAsJsonAsync(Uri($"/tenants/{tenant.Slug}/forwarder/status"), new
        {
            version = "1.2.3", hostName = "pacs-gw-01", queueDepth = 42, queueBytes = 123456789L, oldestPendingAt = oldest,
            failedItems = 1, lastError = "STOW 503 from cloud", lastErrorAt = DateTimeOffset.UtcNow, pacsLink = "ok",
        }))
        {
            Assert.Equal(HttpStatusCode.NoContent, beat.StatusCode);
        }

        using var list = await admin.GetAsync(Uri($"/tenants/{tenant.Slug}/forwarders"));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var row = Assert.Single((await list.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
        Assert.Equal(tenant.ForwarderId, row.GetProperty("clientId").GetString());
        Assert.True(row.GetProperty("online").GetBoolean());
        var status = row.GetProperty("status");
        Assert.Equal(42, status.GetProperty("queueDepth").GetInt32());
        Assert.Equal(123456789L, status.GetProperty("queueBytes").GetInt64());
        Assert.Equal("ok", status.GetProperty("pacsLink").GetString());
        Assert.Equal("STOW 503 from cloud", status.GetProperty("lastError").GetString());
        Assert.Equal(oldest.ToUnixTimeSeconds(), status.GetProperty("oldestPendingAt").GetDateTimeOffset().ToUnixTimeSeconds());

        // A second heartbeat replaces the first.
        (await forwarder.PutAsJsonAsync(Uri($"/tenants/{tenant.Slug}/forwarder/status"), new { queueDepth = 0, queueBytes = 0L, pacsLink = "unreachable" })).EnsureSuccessStatusCode();
        using var again = await admin.GetAsync(Uri($"/tenants/{tenant.Slug}/forwarders"));
        var status2 = Assert.Single((await again.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray()).GetProperty("status");
        Assert.Equal(0, status2.GetProperty("queueDepth").GetInt32());
        Assert.Equal("unreachable", status2.GetProperty("pacsLink").GetString());

        // Forwarders do not list; administrators do not send heartbeats; nonsense is refused with a reason.
        using var forwarderList = await forwarder.GetAsync(Uri($"/tenants/{tenant.Slug}/forwarders"));
        Assert.Equal(HttpStatusCode.Forbidden, forwarderList.StatusCode);
        using var adminBeat = await admin.PutAsJsonAsync(Uri($"/tenants/{tenant.Slug}/forwarder/status"), new { queueDepth = 1, queueBytes = 1L });
        Assert.Equal(HttpStatusCode.Forbidden, adminBeat.StatusCode);
        using var negative = await forwarder.PutAsJsonAsync(Uri($"/tenants/{tenant.Slug}/forwarder/status"), new { queueDepth = -1, queueBytes = 0L });
        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
        Assert.Equal("application/problem+json", negative.Content.Headers.ContentType?.MediaType);
        using var badLink = await forwarder.PutAsJsonAsync(Uri($"/tenants/{tenant.Slug}/forwarder/status"), new { queueDepth = 0, queueBytes = 0L, pacsLink = "maybe" });
        Assert.Equal(HttpStatusCode.BadRequest, badLink.StatusCode);

        // Another tenant's administrator sees none of it.
        var other = await platform.CreateTenantAsync("hb-other");
        using var otherAdmin = await platform.ApiAsync(other.AdminId, other.AdminSecret);
        using var crossed = await otherAdmin.GetAsync(Uri($"/tenants/{tenant.Slug}/forwarders"));
        Assert.Equal(HttpStatusCode.Forbidden, crossed.StatusCode);
        using var own = await otherAdmin.GetAsync(Uri($"/tenants/{other.Slug}/forwarders"));
        var otherRow = Assert.Single((await own.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
        Assert.Equal(JsonValueKind.Null, otherRow.GetProperty("status").ValueKind);
        Assert.False(otherRow.GetProperty("online").GetBoolean());
    }

    [Fact]
    public async Task A_command_wakes_the_long_poll_of_its_forwarder_and_completes_once()
    {
        var tenant = await platform.CreateTenantAsync("cmd");
        var secondId = $"{tenant.Slug}-second";
        var secondSecret = await platform.AddClientAsync(tenant, secondId, "forwarder");
        using var forwarder = await platform.ApiAsync(tenant.ForwarderId, tenant.ForwarderSecret);
        using var second = await platform.ApiAsync(secondId, secondSecret);
        using var admin = await platform.ApiAsync(tenant.AdminId, tenant.AdminSecret);

        // The poll is waiting before the command exists: it must be woken, not time out (204).
        var poll = forwarder.GetAsync(Uri($"/tenants/{tenant.Slug}/forwarder/commands/next?waitSeconds=40"));
        await Task.Delay(500);
        using var created = await admin.PostAsJsonAsync(Uri($"/tenants/{tenant.Slug}/forwarders/{tenant.ForwarderId}/commands"),
            new { kind = "pull-from-pacs", studyInstanceUid = "1.2.826.0.1.3680043.8.498.1", accessionNumber = "ACC123" });
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.EndsWith($"/commands/{id}", created.Headers.Location!.ToString(), StringComparison.Ordinal);

        using var delivered = await poll;
        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        var command = await delivered.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, command.GetProperty("id").GetGuid());
        Assert.Equal("pull-from-pacs", command.GetProperty("kind").GetString());
        Assert.Equal("ACC123", command.GetProperty("accessionNumber").GetString());
        Assert.Equal("in-progress", command.GetProperty("state").GetString());

        // Claimed once: neither the same forwarder again nor another forwarder of the tenant gets it.
        using var nothingMore = await forwarder.GetAsync(Uri($"/tenants/{tenant.Slug}/forwarder/commands/next?waitSeconds=0"));
        Assert.Equal(HttpStatusCode.NoContent, nothingMore.StatusCode);
        using var notYours = await second.GetAsync(Uri($"/tenants/{tenant.Slug}/forwarder/commands/next?waitSeconds=0"));
        Assert.Equal(HttpStatusCode.NoContent, notYours.StatusCode);
        using var stolen = await second.PostAsJsonAsync(Uri($"/tenants/{tenant.Slug}/forwarder/commands/{id}/outcome"), new { succeeded = true });
        Assert.Equal(HttpStatusCode.NotFound, stolen.StatusCode);

        using var done = await forwarder.PostAsJsonAsync(Uri($"/tenants/{tenant.Slug}/forwarder/commands/{id}/outcome"),
            new { succeeded = true, instances = 12, detail = "moved 12 instances" });
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        using var twice = await forwarder.PostAsJsonAsync(Uri($"/tenants/{tenant.Slug}/forwarder/commands/{id}/outcome"), new { succeeded = false });
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);

        using var seen = await admin.GetAsync(Uri($"/tenants/{tenant.Slug}/forwarders/{tenant.ForwarderId}/commands/{id}"));
        var final = await seen.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("succeeded", final.GetProperty("state").GetString());
        Assert.Equal(12, final.GetProperty("instances").GetInt32());
        Assert.Equal(1, final.GetProperty("attempts").GetInt32());
        using var listed = await admin.GetAsync(Uri($"/tenants/{tenant.Slug}/forwarders/{tenant.ForwarderId}/commands"));
        Assert.Single((await listed.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
    }

    [Fact]
    public async Task Bad_commands_are_explained_and_nobody_else_queues_them()
    {
        var tenant = await platform.CreateTenantAsync("cmdbad");
        using var admin = await platform.ApiAsync(tenant.AdminId, tenant.AdminSecret);
        using var forwarder = await platform.ApiAsync(tenant.ForwarderId, tenant.ForwarderSecret);
        var commands = Uri($"/tenants/{tenant.Slug}/forwarders/{tenant.ForwarderId}/commands");
        foreach (var (body, status) in new (object Body, HttpStatusCode Status)[]
        {
            (new { kind = "reboot" }, HttpStatusCode.BadRequest),
            (new { kind = "pull-from-pacs" }, HttpStatusCode.BadRequest),
            (new { kind = "pull-from-pacs", studyInstanceUid = "1.2.abc" }, HttpStatusCode.BadRequest),
            (new { kind = "pull-from-pacs", accessionNumber = "THIS-IS-FAR-TOO-LONG" }, HttpStatusCode.BadRequest),
            (new { kind = "push-to-pacs" }, HttpStatusCode.BadRequest),
            (new { kind = "push-to-pacs", studyInstanceUid = "1.2.3.4.5" }, HttpStatusCode.NotFound),
        })
        {
            using var response = await admin.PostAsJsonAsync(commands, body);
            Assert.True(status == response.StatusCode, $"{JsonSerializer.Serialize(body)}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        using var unknownForwarder = await admin.PostAsJsonAsync(Uri($"/tenants/{tenant.Slug}/forwarders/nobody/commands"), new { kind = "pull-from-pacs", accessionNumber = "A1" });
        Assert.Equal(HttpStatusCode.NotFound, unknownForwarder.StatusCode);
        using var toAnAdministrator = await admin.PostAsJsonAsync(Uri($"/tenants/{tenant.Slug}/forwarders/{tenant.AdminId}/commands"), new { kind = "pull-from-pacs", accessionNumber = "A1" });
        Assert.Equal(HttpStatusCode.NotFound, toAnAdministrator.StatusCode);
        using var byForwarder = await forwarder.PostAsJsonAsync(commands, new { kind = "pull-from-pacs", accessionNumber = "A1" });
        Assert.Equal(HttpStatusCode.Forbidden, byForwarder.StatusCode);
        using var tooLong = await forwarder.GetAsync(Uri($"/tenants/{tenant.Slug}/forwarder/commands/next?waitSeconds=3600"));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);

        // A push of a study the tenant holds is accepted.
        using var dicomweb = await platform.DicomWebAsync(tenant);
        var file = SampleFiles.Path("pydicom/CT_small.dcm");
        Assert.Equal(200, (await dicomweb.StoreAsync([file])).Status);
        var study = SampleFiles.Manifest().Single(r => r["file"] == "pydicom/CT_small.dcm")["study_uid"];
        using var push = await admin.PostAsJsonAsync(commands, new { kind = "push-to-pacs", studyInstanceUid = study });
        Assert.Equal(HttpStatusCode.Accepted, push.StatusCode);
    }

    [Fact]
    public async Task A_report_for_a_study_the_tenant_lacks_asks_its_forwarder_to_pull_it_once()
    {
        var tenant = await platform.CreateTenantAsync("pullrep");
        using var forwarder = await platform.ApiAsync(tenant.ForwarderId, tenant.ForwarderSecret);
        using var admin = await platform.ApiAsync(tenant.AdminId, tenant.AdminSecret);
        foreach (var control in new[] { "PULL-1", "PULL-2" })
        {
            // Same report twice under two control ids (two messages): still one open pull for the study.
            using var content = new ByteArrayContent(AnsSamples.WithControlId(AnsSamples.ExamCOru, control));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/hl7-v2");
            using var posted = await forwarder.PostAsync(Uri($"/tenants/{tenant.Slug}/reports/hl7v2"), content);
            Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
        }

        using var listed = await admin.GetAsync(Uri($"/tenants/{tenant.Slug}/forwarders/{tenant.ForwarderId}/commands"));
        var command = Assert.Single((await listed.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
        Assert.Equal("pull-from-pacs", command.GetProperty("kind").GetString());
        Assert.Equal("1.2.250.1.213.4.5.2.1.103", command.GetProperty("studyInstanceUid").GetString());
        Assert.Equal("ACN103", command.GetProperty("accessionNumber").GetString());
        Assert.Equal("report-intake", command.GetProperty("createdBy").GetString());
        using var polled = await forwarder.GetAsync(Uri($"/tenants/{tenant.Slug}/forwarder/commands/next?waitSeconds=0"));
        Assert.Equal(HttpStatusCode.OK, polled.StatusCode);
    }

    private static Uri Uri(string relative) => new(relative, UriKind.Relative);
}
