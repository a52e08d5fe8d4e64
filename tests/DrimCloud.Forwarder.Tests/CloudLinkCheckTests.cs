using System.Net;
using System.Text;
using DrimCloud.Forwarder;
using DrimCloud.Forwarder.Cloud;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DrimCloud.Forwarder.Tests;

/// <summary>
/// What the hospital's IT reads in the forwarder log when something is wrong: each failure names its cause.
/// The cloud is played by a scripted HTTP handler (the real cloud is exercised by the integration tests).
/// </summary>
public sealed class CloudLinkCheckTests
{
    private const string TokenJson = """{"access_token":"tok","token_type":"Bearer","expires_in":3600}""";
    private const string TenantJson = """{"tenant":"demo","displayName":"Démo","structureId":null,"dicomWebBase":"/tenants/demo/dicomweb"}""";

    [Fact]
    public async Task Connected_when_token_and_tenant_check_succeed()
    {
        var (check, log, cloud) = Create((req, _) => req.RequestUri!.AbsolutePath switch
        {
            "/connect/token" => Json(HttpStatusCode.OK, TokenJson),
            "/tenants/demo" when req.Headers.Authorization?.Parameter == "tok" => Json(HttpStatusCode.OK, TenantJson),
            _ => new HttpResponseMessage(HttpStatusCode.NotFound),
        });
        Assert.Equal(CloudLinkState.Connected, await check.CheckOnceAsync(CancellationToken.None));
        Assert.Contains(log.Lines, l => l.Contains("Connected to DrimCloud", StringComparison.Ordinal) && l.Contains("tenant 'demo'", StringComparison.Ordinal));
        Assert.Contains(cloud.Requests, r => r.Contains("client_id=demo-forwarder", StringComparison.Ordinal) && r.Contains("grant_type=client_credentials", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rejected_credentials_are_named_as_such()
    {
        var (check, log, _) = Create((req, _) => Json(HttpStatusCode.Unauthorized, """{"error":"invalid_client","error_description":"The specified client credentials are invalid."}"""));
        Assert.Equal(CloudLinkState.CredentialsRejected, await check.CheckOnceAsync(CancellationToken.None));
        Assert.Contains(log.Lines, l => l.Contains("Credentials rejected", StringComparison.Ordinal) && l.Contains("invalid_client", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_client_of_another_tenant_is_told_to_check_its_tenant()
    {
        var (check, log, _) = Create((req, _) => req.RequestUri!.AbsolutePath == "/connect/token"
            ? Json(HttpStatusCode.OK, TokenJson)
            : Json(HttpStatusCode.Forbidden, """{"status":403}"""));
        Assert.Equal(CloudLinkState.WrongTenant, await check.CheckOnceAsync(CancellationToken.None));
        Assert.Contains(log.Lines, l => l.Contains("not registered for tenant 'demo'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_tenant_is_named()
    {
        var (check, log, _) = Create((req, _) => req.RequestUri!.AbsolutePath == "/connect/token"
            ? Json(HttpStatusCode.OK, TokenJson)
            : new HttpResponseMessage(HttpStatusCode.NotFound));
        Assert.Equal(CloudLinkState.TenantNotFound, await check.CheckOnceAsync(CancellationToken.None));
        Assert.Contains(log.Lines, l => l.Contains("does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreachable_cloud_is_reported_and_retried_until_it_answers()
    {
        var calls = 0;
        var (check, log, _) = Create((req, _) =>
        {
            if (Interlocked.Increment(ref calls) <= 2) throw new HttpRequestException("Connection refused (localhost:5101)");
            return req.RequestUri!.AbsolutePath == "/connect/token" ? Json(HttpStatusCode.OK, TokenJson) : Json(HttpStatusCode.OK, TenantJson);
        });
        Assert.Equal(CloudLinkState.CloudUnreachable, await check.CheckOnceAsync(CancellationToken.None));
        Assert.Contains(log.Lines, l => l.Contains("unreachable", StringComparison.Ordinal) && l.Contains("Connection refused", StringComparison.Ordinal));

        // The background loop keeps retrying with back-off and gets through once the cloud answers.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await check.StartAsync(cts.Token);
        while (check.State != CloudLinkState.Connected && !cts.IsCancellationRequested) await Task.Delay(50);
        await check.StopAsync(CancellationToken.None);
        Assert.Equal(CloudLinkState.Connected, check.State);
    }

    [Fact]
    public async Task A_revoked_token_is_dropped_and_reported()
    {
        var (check, log, _) = Create((req, _) => req.RequestUri!.AbsolutePath == "/connect/token"
            ? Json(HttpStatusCode.OK, TokenJson)
            : new HttpResponseMessage(HttpStatusCode.Unauthorized));
        Assert.Equal(CloudLinkState.CredentialsRejected, await check.CheckOnceAsync(CancellationToken.None));
        Assert.Contains(log.Lines, l => l.Contains("refused the access token", StringComparison.Ordinal));
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static (CloudLinkCheck Check, ListLogger<CloudLinkCheck> Log, ScriptedCloud Cloud) Create(Func<HttpRequestMessage, CancellationToken, HttpResponseMessage> respond)
    {
        var options = Options.Create(new ForwarderOptions
        {
            Tenant = "demo",
            ClientId = "demo-forwarder",
            ClientSecret = "dev-secret",
            Cloud = new CloudOptions { ApiUrl = new Uri("http://cloud.test:5100"), IdentityUrl = new Uri("http://cloud.test:5101") },
        });
        var cloud = new ScriptedCloud(respond);
        var factory = new SingleClientFactory(cloud);
        var log = new ListLogger<CloudLinkCheck>();
        var link = new CloudLinkStatus(TimeProvider.System);
        var tokens = new CloudTokenClient(factory, options, TimeProvider.System, link);
        return (new CloudLinkCheck(factory, tokens, options, link, log), log, cloud);
    }

    private sealed class ScriptedCloud(Func<HttpRequestMessage, CancellationToken, HttpResponseMessage> respond) : HttpMessageHandler
    {
        public List<string> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            lock (Requests) Requests.Add($"{request.Method} {request.RequestUri} {body}");
            return respond(request, cancellationToken);
        }
    }

    private sealed class SingleClientFactory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}
