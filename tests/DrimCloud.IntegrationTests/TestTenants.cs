using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DrimCloud.IntegrationTests.DicomWeb;

namespace DrimCloud.IntegrationTests;

/// <summary>A tenant created for one test class through the operators' onboarding API, so its data starts empty.</summary>
public sealed record TestTenant(string Slug, string ForwarderId, string ForwarderSecret, string AdminId, string AdminSecret);

public static class TestTenants
{
    /// <summary>Creates a fresh tenant with a forwarder and an administrator client (operator token, /platform API).</summary>
    public static async Task<TestTenant> CreateTenantAsync(this PlatformFixture platform, string prefix = "it")
    {
        var slug = $"{prefix}-{Guid.NewGuid():N}"[..24];
        var operatorToken = await platform.TokenAsync("platform-operator", scope: "drimcloud.operations");
        using var api = platform.Client("api");
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", operatorToken);
        (await api.PostAsJsonAsync(new Uri("/platform/tenants", UriKind.Relative), new { slug, displayName = $"Test {slug}" })).EnsureSuccessStatusCode();
        async Task<string> Client(string id, string kind)
        {
            using var response = await api.PostAsJsonAsync(new Uri($"/platform/tenants/{slug}/clients", UriKind.Relative), new { clientId = id, kind });
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clientSecret").GetString()!;
        }
        var forwarderSecret = await Client($"{slug}-forwarder", "forwarder");
        var adminSecret = await Client($"{slug}-admin", "administrator");
        return new TestTenant(slug, $"{slug}-forwarder", forwarderSecret, $"{slug}-admin", adminSecret);
    }

    /// <summary>
    /// Registers one more client (forwarder or administrator) for an existing tenant; returns its secret. Its tokens live
    /// <paramref name="accessTokenLifetimeSeconds"/> when given.
    /// </summary>
    public static async Task<string> AddClientAsync(this PlatformFixture platform, TestTenant tenant, string clientId, string kind,
        int? accessTokenLifetimeSeconds = null)
    {
        using var api = platform.Client("api");
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await platform.TokenAsync("platform-operator", scope: "drimcloud.operations"));
        using var response = await api.PostAsJsonAsync(new Uri($"/platform/tenants/{tenant.Slug}/clients", UriKind.Relative),
            new { clientId, kind, accessTokenLifetimeSeconds });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clientSecret").GetString()!;
    }

    /// <summary>An API client that sends the given client's token.</summary>
    public static async Task<HttpClient> ApiAsync(this PlatformFixture platform, string clientId, string secret)
    {
        var http = platform.Client("api");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await platform.TokenAsync(clientId, secret));
        return http;
    }

    public static async Task<DicomWebTestClient> DicomWebAsync(this PlatformFixture platform, TestTenant tenant, bool administrator = false)
    {
        var token = administrator
            ? await platform.TokenAsync(tenant.AdminId, tenant.AdminSecret)
            : await platform.TokenAsync(tenant.ForwarderId, tenant.ForwarderSecret);
        var http = platform.Client("api");
        http.Timeout = TimeSpan.FromMinutes(5);
        return new DicomWebTestClient(http, tenant.Slug, token);
    }
}
