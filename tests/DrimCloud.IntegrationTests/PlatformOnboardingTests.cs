using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace DrimCloud.IntegrationTests;

[Collection("platform")]
public sealed class PlatformOnboardingTests(PlatformFixture platform)
{
    [Fact]
    public async Task An_operator_onboards_a_tenant_whose_new_forwarder_gets_working_credentials()
    {
        var tenant = await platform.CreateTenantAsync("onboard");
        using var client = await platform.DicomWebAsync(tenant);
        using var info = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri($"/tenants/{tenant.Slug}", UriKind.Relative)));
        Assert.Equal(HttpStatusCode.OK, info.StatusCode);
        using var other = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri("/tenants/demo", UriKind.Relative)));
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact]
    public async Task Only_operators_onboard_and_bad_requests_are_explained()
    {
        using var api = platform.Client("api");
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await platform.TokenAsync("demo-admin"));
        using var refused = await api.PostAsJsonAsync(new Uri("/platform/tenants", UriKind.Relative), new { slug = "sneaky", displayName = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await platform.TokenAsync("platform-operator", scope: "drimcloud.operations"));
        using var invalid = await api.PostAsJsonAsync(new Uri("/platform/tenants", UriKind.Relative), new { slug = "Not A Slug", displayName = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("application/problem+json", invalid.Content.Headers.ContentType?.MediaType);
        using var existing = await api.PostAsJsonAsync(new Uri("/platform/tenants", UriKind.Relative), new { slug = "demo", displayName = "again" });
        Assert.Equal(HttpStatusCode.Conflict, existing.StatusCode);
        using var duplicateClient = await api.PostAsJsonAsync(new Uri("/platform/tenants/demo/clients", UriKind.Relative), new { clientId = "demo-forwarder", kind = "forwarder" });
        Assert.Equal(HttpStatusCode.Conflict, duplicateClient.StatusCode);
        foreach (var seconds in new[] { 0, 4, 86_401 })
        {
            using var lifetime = await api.PostAsJsonAsync(new Uri("/platform/tenants/demo/clients", UriKind.Relative),
                new { clientId = $"demo-short-{seconds}", kind = "forwarder", accessTokenLifetimeSeconds = seconds });
            Assert.Equal(HttpStatusCode.BadRequest, lifetime.StatusCode);
            Assert.Contains("accessTokenLifetimeSeconds", await lifetime.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }
}
