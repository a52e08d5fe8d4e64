using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace DrimCloud.Forwarder.Cloud;

/// <summary>The cloud refused our credentials (unknown client, wrong secret, disabled forwarder).</summary>
public sealed class CredentialsRejectedException(string message) : Exception(message);

/// <summary>
/// Gets and caches an access token with the OAuth2 client credentials grant, renewing it a minute before it expires.
/// </summary>
public sealed class CloudTokenClient(IHttpClientFactory httpClients, IOptions<ForwarderOptions> options, TimeProvider clock)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _expiresAt;

    public async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_token is not null && clock.GetUtcNow() < _expiresAt) return _token;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_token is not null && clock.GetUtcNow() < _expiresAt) return _token;
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
            using var response = await httpClients.CreateClient(CloudUris.HttpClientName).SendAsync(request, cancellationToken);
            if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                var error = await response.Content.ReadFromJsonAsync<TokenError>(cancellationToken);
                throw new CredentialsRejectedException(
                    $"the identity server refused client '{o.ClientId}': {error?.Error ?? response.StatusCode.ToString()} {error?.Description}".TrimEnd());
            }
            response.EnsureSuccessStatusCode();
            var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
                ?? throw new InvalidOperationException("Empty token response.");
            _token = token.AccessToken;
            _expiresAt = clock.GetUtcNow().AddSeconds(Math.Max(30, token.ExpiresIn - 60));
            return _token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forget the cached token (after a 401: it was revoked or the signing key rotated).</summary>
    public void Invalidate() => _token = null;

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);

    private sealed record TokenError(
        [property: JsonPropertyName("error")] string? Error,
        [property: JsonPropertyName("error_description")] string? Description);
}
