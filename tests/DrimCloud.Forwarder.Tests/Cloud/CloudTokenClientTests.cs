using System.Net;
using System.Net.Http.Headers;
using DrimCloud.Forwarder.Cloud;
using Microsoft.Extensions.Options;

namespace DrimCloud.Forwarder.Tests.Cloud;

/// <summary>
/// Token lifecycle against a real HTTP token endpoint and an API that enforces expiry and revocation: short-lived
/// tokens renewed before they expire, a refused token replaced, wrong credentials and an absent server reported.
/// </summary>
public sealed class CloudTokenClientTests
{
    [Fact]
    public async Task A_short_lived_token_is_renewed_before_the_api_sees_it_expired()
    {
        await using var server = await LocalIdentityServer.StartAsync();
        server.ExpiresInSeconds = 2;
        var (tokens, link, http) = Create(server.Url);

        // Over three lifetimes, every token the client hands out still has a fifth of its life left (renewed at 80%),
        // less what the hand-out itself took. Measured at hand-out rather than by the API's verdict alone: on a loaded
        // machine a call can take longer than the 0.4 s such a short token has left (CI saw it once), which says
        // nothing about the renewal.
        var leastLeft = TimeSpan.MaxValue;
        var refusedWithTimeLeft = 0;
        var calls = 0;
        var until = DateTime.UtcNow.AddSeconds(6.5);
        while (DateTime.UtcNow < until)
        {
            var token = await tokens.GetTokenAsync(CancellationToken.None);
            var left = server.ExpiryOf(token) - DateTimeOffset.UtcNow;
            if (left < leastLeft) leastLeft = left;
            if (await CallApiAsync(http, server.Url, token) != HttpStatusCode.OK && left > TimeSpan.FromSeconds(1)) refusedWithTimeLeft++;
            calls++;
            await Task.Delay(50);
        }
        Assert.True(leastLeft > TimeSpan.FromSeconds(0.25), $"a token was handed out with only {leastLeft.TotalMilliseconds:F0} ms left");
        Assert.Equal(0, refusedWithTimeLeft);
        Assert.True(calls > 20, $"only {calls} calls");
        Assert.InRange(server.Issued, 4, 12); // renewed about every 1.6 s, not on every call
        Assert.Equal(server.Issued, link.TokensIssued); // what the status page reports
        Assert.Equal(CloudLinkStatus.Ok, link.State);
    }

    [Theory]
    [InlineData(3600, 3540)] // a minute before expiry
    [InlineData(300, 240)]
    [InlineData(60, 48)] // short-lived: after 80% of the lifetime
    [InlineData(5, 4)]
    [InlineData(0, 0)] // no lifetime given: not cached
    public void Renewal_comes_before_expiry(int lifetimeSeconds, int renewAfterSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(renewAfterSeconds), CloudTokenClient.RenewAfter(TimeSpan.FromSeconds(lifetimeSeconds)));

    [Fact]
    public async Task A_revoked_token_is_replaced_once_and_a_stale_invalidation_keeps_the_new_one()
    {
        await using var server = await LocalIdentityServer.StartAsync();
        var (tokens, link, http) = Create(server.Url);
        var first = await tokens.GetTokenAsync(CancellationToken.None);
        Assert.Equal(first, await tokens.GetTokenAsync(CancellationToken.None)); // cached
        server.Revoke(first);
        Assert.Equal(HttpStatusCode.Unauthorized, await CallApiAsync(http, server.Url, first));

        // Two requests refused with the same token: both invalidate it, only one new token is fetched.
        tokens.Invalidate(first);
        var second = await tokens.GetTokenAsync(CancellationToken.None);
        tokens.Invalidate(first);
        Assert.Equal(second, await tokens.GetTokenAsync(CancellationToken.None));
        Assert.NotEqual(first, second);
        Assert.Equal(2, server.Issued);
        Assert.Equal(HttpStatusCode.OK, await CallApiAsync(http, server.Url, second));
        Assert.Equal((2, 2), (link.TokensIssued, link.TokensRefused)); // each refusal counts, for the status page
    }

    [Fact]
    public async Task Concurrent_callers_share_one_token_request()
    {
        await using var server = await LocalIdentityServer.StartAsync();
        var (tokens, _, _) = Create(server.Url);
        var all = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => tokens.GetTokenAsync(CancellationToken.None))));
        Assert.Single(all.Distinct());
        Assert.Equal(1, server.Issued);
    }

    [Fact]
    public async Task Wrong_credentials_are_reported_as_rejected_with_the_servers_reason()
    {
        await using var server = await LocalIdentityServer.StartAsync();
        var (tokens, link, _) = Create(server.Url, secret: "wrong");
        var e = await Assert.ThrowsAsync<CredentialsRejectedException>(() => tokens.GetTokenAsync(CancellationToken.None));
        Assert.Contains("invalid_client", e.Message, StringComparison.Ordinal);
        Assert.Contains(LocalIdentityServer.ClientId, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", e.Message, StringComparison.Ordinal); // the secret is never echoed
        Assert.Equal(CloudLinkStatus.CredentialsRejected, link.State);
        Assert.Null(link.LastContactAt);
    }

    [Fact]
    public async Task An_absent_identity_server_is_reported_unreachable_at_once()
    {
        Uri closed;
        await using (var server = await LocalIdentityServer.StartAsync()) closed = server.Url; // now stopped: port closed
        var (tokens, link, _) = Create(closed);
        var started = DateTime.UtcNow;
        await Assert.ThrowsAsync<HttpRequestException>(() => tokens.GetTokenAsync(CancellationToken.None));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
        Assert.Equal(CloudLinkStatus.Unreachable, link.State);
        Assert.Contains("no token from", link.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void An_api_refusal_is_not_cleared_by_a_new_token_only_by_an_accepted_request()
    {
        var link = new CloudLinkStatus(TimeProvider.System);
        link.TokenIssued();
        Assert.Equal(CloudLinkStatus.Ok, link.State);
        link.Rejected("revoked", byApi: true);
        link.TokenIssued();
        Assert.Equal(CloudLinkStatus.CredentialsRejected, link.State);
        link.ApiAnswered();
        Assert.Equal(CloudLinkStatus.Ok, link.State);
        Assert.Equal("revoked", link.LastError);
    }

    private static async Task<HttpStatusCode> CallApiAsync(HttpClient http, Uri server, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, "api"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static (CloudTokenClient Tokens, CloudLinkStatus Link, HttpClient Http) Create(Uri server, string secret = LocalIdentityServer.Secret)
    {
        var options = Options.Create(new ForwarderOptions
        {
            Tenant = "demo",
            ClientId = LocalIdentityServer.ClientId,
            ClientSecret = secret,
            Cloud = new CloudOptions { ApiUrl = server, IdentityUrl = server },
        });
        var link = new CloudLinkStatus(TimeProvider.System);
        var http = new HttpClient();
        return (new CloudTokenClient(new PlainClientFactory(), options, TimeProvider.System, link), link, http);
    }

    private sealed class PlainClientFactory : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }
}
