using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit.Abstractions;

namespace DrimCloud.IntegrationTests;

[Collection("platform")]
public sealed class FoundationTests(PlatformFixture platform, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_service_is_healthy_and_the_migrations_completed()
    {
        output.WriteLine($"platform healthy after {platform.StartupTime.TotalSeconds:F1} s");
        var notifications = platform.App.Services.GetRequiredService<ResourceNotificationService>();
        foreach (var service in PlatformFixture.LongRunningServices)
        {
            Assert.True(notifications.TryGetCurrentState(service, out var state));
            Assert.Equal(HealthStatus.Healthy, state!.Snapshot.HealthStatus);
        }
        Assert.True(notifications.TryGetCurrentState("migrations", out var migrations));
        Assert.Equal(0, migrations!.Snapshot.ExitCode);

        using var api = platform.Client("api");
        using var health = await api.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_forwarder_token_opens_its_own_tenant_only()
    {
        using var api = platform.Client("api");
        var token = await platform.TokenAsync("demo-forwarder");

        using var own = await Get(api, "/tenants/demo", token);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        var info = await own.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("demo", info.GetProperty("tenant").GetString());
        Assert.False(string.IsNullOrWhiteSpace(info.GetProperty("displayName").GetString()));

        using var other = await Get(api, "/tenants/demo-b", token);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);

        // A tenant that does not exist looks exactly like one that belongs to someone else.
        using var unknown = await Get(api, "/tenants/no-such-tenant", token);
        Assert.Equal(HttpStatusCode.Forbidden, unknown.StatusCode);

        var tokenB = await platform.TokenAsync("demo-b-forwarder");
        using var ownB = await Get(api, "/tenants/demo-b", tokenB);
        Assert.Equal(HttpStatusCode.OK, ownB.StatusCode);
        using var crossB = await Get(api, "/tenants/demo", tokenB);
        Assert.Equal(HttpStatusCode.Forbidden, crossB.StatusCode);
    }

    [Fact]
    public async Task No_token_or_a_bad_token_gets_401()
    {
        using var api = platform.Client("api");
        using var none = await Get(api, "/tenants/demo", token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);

        using var forged = await Get(api, "/tenants/demo", "eyJhbGciOiJub25lIn0.eyJ0ZW5hbnQiOiJkZW1vIn0.");
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);

        // A token signed by the platform but altered afterwards (tenant claim swapped) is rejected too.
        var token = await platform.TokenAsync("demo-b-forwarder");
        var parts = token.Split('.');
        var payload = System.Text.Encoding.UTF8.GetString(Base64UrlDecode(parts[1])).Replace("\"demo-b\"", "\"demo\"", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(payload))}.{parts[2]}";
        using var altered = await Get(api, "/tenants/demo", tampered);
        Assert.Equal(HttpStatusCode.Unauthorized, altered.StatusCode);
    }

    [Fact]
    public async Task Wrong_client_secret_gets_no_token()
    {
        using var identity = platform.Client("identity");
        using var response = await identity.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "demo-forwarder", ["client_secret"] = "not-the-secret",
        }));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_job_dashboard_is_for_operators_only()
    {
        using var worker = platform.Client("worker");
        using var anonymous = await Get(worker, "/hangfire", token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var forwarder = await Get(worker, "/hangfire", await platform.TokenAsync("demo-forwarder"));
        Assert.Equal(HttpStatusCode.Forbidden, forwarder.StatusCode);

        var operatorToken = await platform.TokenAsync("platform-operator", scope: "drimcloud.operations");
        using var dashboard = await Get(worker, "/hangfire/recurring", operatorToken);
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("storage-consistency-check", await dashboard.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_demo_forwarder_reaches_its_tenant()
    {
        // The forwarder run by the AppHost logs one clear line once its token and tenant check succeed.
        var line = await platform.Logs.WaitForLineAsync("forwarder-demo",
            l => l.Contains("Connected to DrimCloud", StringComparison.Ordinal) && l.Contains("tenant 'demo'", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60));
        Assert.Contains("demo-forwarder", line, StringComparison.Ordinal);
    }

    [Fact]
    public void The_development_seed_is_announced_in_the_log()
    {
        Assert.Contains(platform.Logs.Lines("migrations"), l => l.Contains("tenants 'demo' and 'demo-b'", StringComparison.Ordinal)
                                                              && l.Contains("dev-secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_portal_shows_every_service_healthy()
    {
        using var portal = platform.Client("portal");
        var html = await portal.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Contains("DrimCloud", html, StringComparison.Ordinal);
        foreach (var service in new[] { "api", "identity", "worker" })
            Assert.Matches($"data-service=\"{service}\"[\\s\\S]*?data-status=\"Healthy\"", html);
    }

    private static async Task<HttpResponseMessage> Get(HttpClient client, string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }

    private static byte[] Base64UrlDecode(string s) => Convert.FromBase64String(s.Replace('-', '+').Replace('_', '/').PadRight(s.Length + (4 - s.Length % 4) % 4, '='));

    private static string Base64UrlEncode(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
