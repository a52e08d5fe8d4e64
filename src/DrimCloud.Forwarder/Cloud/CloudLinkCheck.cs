using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;

namespace DrimCloud.Forwarder.Cloud;

public enum CloudLinkState { Unknown, Connected, CloudUnreachable, CredentialsRejected, WrongTenant, TenantNotFound }

public sealed record TenantInfo(string Tenant, string DisplayName, string? StructureId, string DicomWebBase);

/// <summary>
/// At start and then every few minutes: get a token and read <c>GET /tenants/{tenant}</c>, and say plainly in the log
/// what is wrong when it fails (cloud unreachable, credentials refused, client bound to another tenant, no such
/// tenant). Retries with back-off while the cloud is unreachable; never stops the forwarder.
/// </summary>
public sealed class CloudLinkCheck(IHttpClientFactory httpClients, CloudTokenClient tokens, IOptions<ForwarderOptions> options,
    CloudLinkStatus link, ILogger<CloudLinkCheck> logger) : BackgroundService
{
    private static readonly TimeSpan Recheck = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    public CloudLinkState State { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            var previous = State;
            State = await CheckOnceAsync(stoppingToken);
            TimeSpan wait;
            if (State == CloudLinkState.Connected)
            {
                backoff = TimeSpan.FromSeconds(1);
                wait = Recheck;
            }
            else if (State == CloudLinkState.CloudUnreachable)
            {
                wait = backoff;
                backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            }
            else
            {
                wait = TimeSpan.FromMinutes(1); // a configuration problem: a person has to act, no need to hammer
            }
            if (State != previous && State != CloudLinkState.Connected)
                logger.LogInformation("Retrying the cloud link in {Seconds} s.", (int)wait.TotalSeconds);
            try { await Task.Delay(wait, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    public async Task<CloudLinkState> CheckOnceAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        try
        {
            var token = await tokens.GetTokenAsync(cancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Get, CloudUris.Combine(o.Cloud.ApiUrl!, $"tenants/{Uri.EscapeDataString(o.Tenant)}"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await httpClients.CreateClient(CloudUris.HttpClientName).SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
                link.Rejected($"the API refused the access token of client '{o.ClientId}' (401)", byApi: true);
            else if ((int)response.StatusCode < 500) link.ApiAnswered();
            else link.Failed($"the API answered {(int)response.StatusCode} to the tenant check");
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    var info = await response.Content.ReadFromJsonAsync<TenantInfo>(cancellationToken);
                    if (State != CloudLinkState.Connected)
                        logger.LogInformation("Connected to DrimCloud at {Api} as {Client}: tenant '{Tenant}' ({Name}).",
                            o.Cloud.ApiUrl, o.ClientId, info?.Tenant, info?.DisplayName);
                    return CloudLinkState.Connected;
                case HttpStatusCode.Unauthorized:
                    tokens.Invalidate(token);
                    logger.LogError("The cloud API refused the access token of client '{Client}' (401): check the identity URL {Identity}.",
                        o.ClientId, o.Cloud.IdentityUrl);
                    return CloudLinkState.CredentialsRejected;
                case HttpStatusCode.Forbidden:
                    logger.LogError("Client '{Client}' is not registered for tenant '{Tenant}' (403): check Forwarder:Tenant and Forwarder:ClientId.",
                        o.ClientId, o.Tenant);
                    return CloudLinkState.WrongTenant;
                case HttpStatusCode.NotFound:
                    logger.LogError("Tenant '{Tenant}' does not exist in DrimCloud at {Api} (404).", o.Tenant, o.Cloud.ApiUrl);
                    return CloudLinkState.TenantNotFound;
                default:
                    logger.LogWarning("The cloud API answered {Status} to the tenant check; retrying.", (int)response.StatusCode);
                    return CloudLinkState.CloudUnreachable;
            }
        }
        catch (CredentialsRejectedException e)
        {
            logger.LogError("Credentials rejected: {Reason}. The forwarder keeps running; fix Forwarder:ClientId / ClientSecret.", e.Message);
            return CloudLinkState.CredentialsRejected;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or TimeoutException
                                  || e.GetType().Name.Contains("Timeout", StringComparison.Ordinal) || e.GetType().Name.Contains("BrokenCircuit", StringComparison.Ordinal))
        {
            if (cancellationToken.IsCancellationRequested) throw;
            logger.LogWarning("DrimCloud is unreachable ({Api}, {Identity}): {Reason}", o.Cloud.ApiUrl, o.Cloud.IdentityUrl, e.Message);
            return CloudLinkState.CloudUnreachable;
        }
    }
}
