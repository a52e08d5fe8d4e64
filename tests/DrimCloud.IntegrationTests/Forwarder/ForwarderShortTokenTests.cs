using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace DrimCloud.IntegrationTests.Forwarder;

/// <summary>
/// The real identity server and API with a client whose access tokens live 5 seconds: the identity server issues
/// them so, the API refuses one once it has expired, and a forwarder sending over several lifetimes renews its token
/// in time, so the API never refuses one of its requests and every instance arrives.
/// </summary>
[Collection("platform")]
public sealed class ForwarderShortTokenTests(PlatformFixture platform, ITestOutputHelper output)
{
    private const int LifetimeSeconds = 5;

    [SkippableFact]
    public async Task With_five_second_tokens_the_api_refuses_an_expired_one_and_the_forwarder_renews_in_time()
    {
        var tenant = await platform.CreateTenantAsync("fwdt");
        var clientId = $"{tenant.Slug}-short";
        var secret = await platform.AddClientAsync(tenant, clientId, "forwarder", accessTokenLifetimeSeconds: LifetimeSeconds);

        var (token, expiresIn) = await TokenAsync(clientId, secret);
        Assert.InRange(expiresIn, LifetimeSeconds - 1, LifetimeSeconds); // the seconds left when it answered, rounded down
        using var api = platform.Client("api");
        var studies = new Uri($"/tenants/{tenant.Slug}/dicomweb/studies", UriKind.Relative);
        Assert.Equal(HttpStatusCode.OK, await GetAsync(api, studies, token));
        await Task.Delay(TimeSpan.FromSeconds(LifetimeSeconds + 1.5));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(api, studies, token));

        using var folder = new ForwarderTestFolder();
        var (_, files) = TestInstances.WriteSeries(folder.Sub("series"), 20);
        await using var forwarder = await ForwarderProcess.StartAsync(platform, tenant with { ForwarderId = clientId }, folder.Sub("spool"), secret: secret);
        // Five instances every 4.5 s: the uploads span more than three token lifetimes.
        for (var round = 0; round < 4; round++)
        {
            if (round > 0) await Task.Delay(TimeSpan.FromSeconds(4.5));
            var run = await new Storescu().RunAsync(forwarder.DicomPort, files.Skip(round * 5).Take(5), "-xe");
            Assert.Equal(5, run.AcknowledgedCount);
        }
        await forwarder.WaitDrainedAsync(TimeSpan.FromSeconds(60));

        using var cloud = await platform.DicomWebAsync(tenant);
        Assert.Equal(20, (await CloudInstances.AllAsync(cloud)).Count);
        var link = (await forwarder.StatusAsync()).GetProperty("cloud");
        output.WriteLine(link.ToString());
        Assert.Equal("ok", link.GetProperty("state").GetString());
        Assert.Equal(0, link.GetProperty("tokensRefused").GetInt64());
        Assert.True(link.GetProperty("tokensIssued").GetInt64() >= 4, $"tokens issued: {link.GetProperty("tokensIssued")}");
    }

    private async Task<(string Token, int ExpiresIn)> TokenAsync(string clientId, string secret)
    {
        using var identity = platform.Client("identity");
        using var response = await identity.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret, ["scope"] = "drimcloud.api",
        }));
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (json.GetProperty("access_token").GetString()!, json.GetProperty("expires_in").GetInt32());
    }

    private static async Task<HttpStatusCode> GetAsync(HttpClient api, Uri path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd("application/dicom+json");
        using var response = await api.SendAsync(request);
        return response.StatusCode;
    }
}
