using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DrimCloud.Forwarder.Tests.Cloud;

/// <summary>
/// A real HTTP server on 127.0.0.1 playing DrimCloud.Identity and the API: <c>POST /connect/token</c> issues opaque
/// tokens with the configured <c>expires_in</c> (client credentials checked), <c>GET /api</c> answers 401 to a token
/// that is unknown, expired (by the server's clock) or revoked; STOW-RS answers 401 likewise (503 otherwise: this
/// server stores nothing).
/// </summary>
public sealed class LocalIdentityServer : IAsyncDisposable
{
    public const string ClientId = "fwd-test";
    public const string Secret = "s3cret";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _expiries = new();
    private readonly ConcurrentDictionary<string, bool> _revoked = new();
    private int _issued;

    private LocalIdentityServer(WebApplication app) => _app = app;

    public int ExpiresInSeconds { get; set; } = 3600;

    /// <summary>Tokens issued so far.</summary>
    public int Issued => Volatile.Read(ref _issued);

    public Uri Url { get; private set; } = null!;

    public void Revoke(string token) => _revoked[token] = true;

    /// <summary>When a token this server issued expires.</summary>
    public DateTimeOffset ExpiryOf(string token) => _expiries[token];

    /// <summary>The client was disabled in the cloud: the identity server still issues tokens, the API refuses them all.</summary>
    public bool ApiRefusesEveryToken { get; set; }

    /// <summary>Requests that reached the STOW-RS endpoint.</summary>
    public int StowRequests => Volatile.Read(ref _stowRequests);

    private int _stowRequests;

    public static async Task<LocalIdentityServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new LocalIdentityServer(app);
        app.MapPost("/connect/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (form["grant_type"] != "client_credentials" || form["client_id"] != ClientId || form["client_secret"] != Secret)
                return Results.Json(new Dictionary<string, string> { ["error"] = "invalid_client", ["error_description"] = "The specified client credentials are invalid." },
                    statusCode: 400);
            var token = $"token-{Interlocked.Increment(ref server._issued)}";
            server._expiries[token] = DateTimeOffset.UtcNow.AddSeconds(server.ExpiresInSeconds);
            return Results.Json(new Dictionary<string, object> { ["access_token"] = token, ["token_type"] = "Bearer", ["expires_in"] = server.ExpiresInSeconds });
        });
        app.MapGet("/api", (HttpRequest request) =>
        {
            var header = request.Headers.Authorization.ToString();
            var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : "";
            return server.Accepts(token) ? Results.Ok() : Results.Unauthorized();
        });
        app.MapPost("/tenants/{tenant}/dicomweb/studies", async (HttpRequest request) =>
        {
            Interlocked.Increment(ref server._stowRequests);
            await request.Body.CopyToAsync(Stream.Null); // read like a real server before answering
            var header = request.Headers.Authorization.ToString();
            var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : "";
            return server.Accepts(token) ? Results.StatusCode(503) : Results.Unauthorized();
        });
        await app.StartAsync();
        var address = app.Urls.Single();
        server.Url = new Uri(address + "/");
        return server;
    }

    private bool Accepts(string token) =>
        !ApiRefusesEveryToken && _expiries.TryGetValue(token, out var expiry) && DateTimeOffset.UtcNow < expiry && !_revoked.ContainsKey(token);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
