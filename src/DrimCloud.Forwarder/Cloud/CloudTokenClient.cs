using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace DrimCloud.Forwarder.Cloud;

/// <summary>The cloud refused our credentials (unknown client, wrong secret, disabled forwarder).</summary>
public sealed class CredentialsRejectedException(string message) : Exception(message);

/// <summary>
/// Gets and caches an access token with the OAuth2 client credentials grant and renews it before it expires
/// (see <see cref="RenewAfter"/>), or at once when the API refused it (<see cref="Invalidate"/>).
/// </summary>
public sealed class CloudTokenClient(IHttpClientFactory httpClients, IOptions<ForwarderOptions> options, TimeProvider clock, CloudLinkStatus link)
{
    private static readonly TimeSpan MaxMargin = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    // One immutable object, swapped whole: readers outside the gate never see a new token with an old expiry.
    private volatile CachedToken? _cached;

    public async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } fresh && clock.GetUtcNow() < fresh.RenewAt) return fresh.Value;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } other && clock.GetUtcNow() < other.RenewAt) return other.Value;
            var requestedAt = clock.GetUtcNow(); // the lifetime counts from no later than this
            var token = await RequestAsync(cancellationToken);
            _cached = new CachedToken(token.AccessToken, requestedAt + RenewAfter(TimeSpan.FromSeconds(Math.Max(0, token.ExpiresIn))));
            link.TokenIssued();
            return token.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// When to renew a token of this lifetime: a minute before it expires, or after 80% of it for a token that lives
    /// under 5 minutes, so a short-lived token is never sent after its expiry (nor so close to it that it expires on
    /// the way).
    /// </summary>
    public static TimeSpan RenewAfter(TimeSpan lifetime)
    {
        var margin = lifetime / 5 < MaxMargin ? lifetime / 5 : MaxMargin;
        return lifetime - margin;
    }

    /// <summary>
    /// Forget <paramref name="rejected"/> (the API answered 401: revoked, or the signing key rotated). Only that token:
    /// several requests refused together then share one renewal instead of discarding each other's new token.
    /// </summary>
    public void Invalidate(string rejected)
    {
        link.TokenRefused();
        var current = _cached;
        if (current is not null && current.Value == rejected) Interlocked.CompareExchange(ref _cached, null, current);
    }

    private async Task<TokenResponse> RequestAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, CloudUris.Combine(o.Cloud.IdentityUrl!, "connect/token"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = o.ClientId,
                ["client_secret"] = o.ClientSecret,
                ["scope"] = "drimcloud.api",
            }),
        };
        try
        {
            using var response = await httpClients.CreateClient(CloudUris.HttpClientName).SendAsync(request, cancellationToken);
            if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                var error = await ReadErrorAsync(response, cancellationToken);
                var message = $"the identity server refused client '{o.ClientId}': {error?.Error ?? response.StatusCode.ToString()} {error?.Description}".TrimEnd();
                link.Rejected(message, byApi: false);
                throw new CredentialsRejectedException(message);
            }
            response.EnsureSuccessStatusCode();
            var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken);
            return token is { AccessToken.Length: > 0 } ? token : throw new HttpRequestException("The identity server sent no access token.");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
        {
            link.Failed($"no token from {o.Cloud.IdentityUrl}: {e.Message}");
            throw;
        }
    }

    private static async Task<TokenError?> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try { return await response.Content.ReadFromJsonAsync<TokenError>(cancellationToken); }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException) { return null; }
    }

    private sealed record CachedToken(string Value, DateTimeOffset RenewAt);

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);

    private sealed record TokenError(
        [property: JsonPropertyName("error")] string? Error,
        [property: JsonPropertyName("error_description")] string? Description);
}
