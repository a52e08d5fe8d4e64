using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using DrimCloud.Forwarder.Cloud;
using Microsoft.Extensions.Options;

namespace DrimCloud.Forwarder.Control;

/// <summary>A command from the cloud, as the forwarder receives it.</summary>
public sealed record CloudCommand(Guid Id, string Kind, string? StudyInstanceUid, string? AccessionNumber, int Attempts);

public sealed record CommandOutcome(bool Succeeded, int? Instances, string? Detail);

/// <summary>The cloud answered with an unexpected status; the message says which and why.</summary>
public sealed class ControlPlaneException(string message) : Exception(message);

/// <summary>
/// The forwarder's side of the cloud's control plane (<c>/tenants/{tenant}/forwarder/…</c>): heartbeat, command
/// long-poll and outcome, and the WADO-RS study retrieve that push commands need. A 401 renews the token once.
/// </summary>
public sealed class ControlPlaneClient(IHttpClientFactory httpClients, CloudTokenClient tokens, IOptions<ForwarderOptions> options, CloudLinkStatus link)
{
    /// <summary>
    /// Its own HTTP client without the shared resilience pipeline: a long-poll outlives that pipeline's 10 s attempt
    /// timeout, and the loops here already retry with back-off.
    /// </summary>
    public const string HttpClientName = "cloud-control";

    public async Task SendHeartbeatAsync(object heartbeat, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Put, Url("forwarder/status")) { Content = JsonContent.Create(heartbeat) }, cancellationToken);
        await EnsureAsync(response, "heartbeat", cancellationToken);
    }

    /// <summary>The next command for this forwarder, or null when the cloud had none within the wait.</summary>
    public async Task<CloudCommand?> PollAsync(int waitSeconds, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Url($"forwarder/commands/next?waitSeconds={waitSeconds}")), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NoContent) return null;
        await EnsureAsync(response, "command poll", cancellationToken);
        return await response.Content.ReadFromJsonAsync<CloudCommand>(cancellationToken)
            ?? throw new ControlPlaneException("The cloud sent an empty command.");
    }

    public async Task ReportAsync(Guid command, CommandOutcome outcome, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, Url($"forwarder/commands/{command}/outcome")) { Content = JsonContent.Create(outcome) }, cancellationToken);
        // 409: already completed (a report retried after a lost answer): nothing left to say.
        if (response.StatusCode == HttpStatusCode.Conflict) return;
        await EnsureAsync(response, "command outcome", cancellationToken);
    }

    /// <summary>The whole study as WADO-RS multipart, in its stored transfer syntaxes; the caller streams the body.</summary>
    public async Task<HttpResponseMessage> RetrieveStudyAsync(string studyInstanceUid, CancellationToken cancellationToken)
    {
        var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, Url($"dicomweb/studies/{Uri.EscapeDataString(studyInstanceUid)}"));
            request.Headers.TryAddWithoutValidation("Accept", "multipart/related; type=\"application/dicom\"; transfer-syntax=*");
            return request;
        }, cancellationToken, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            using (response) await EnsureAsync(response, "study retrieve", cancellationToken);
        }
        return response;
    }

    private Uri Url(string relative) =>
        CloudUris.Combine(options.Value.Cloud.ApiUrl!, $"tenants/{Uri.EscapeDataString(options.Value.Tenant)}/{relative}");

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var http = httpClients.CreateClient(HttpClientName);
        for (var attempt = 0; ; attempt++)
        {
            using var request = create();
            var token = await tokens.GetTokenAsync(cancellationToken);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var response = await http.SendAsync(request, completion, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Unauthorized) link.ApiAnswered();
            else if (attempt > 0) link.Rejected($"the API refused a new access token of client '{options.Value.ClientId}' (401): revoked or disabled?", byApi: true);
            if (response.StatusCode != HttpStatusCode.Unauthorized || attempt > 0) return response;
            response.Dispose();
            tokens.Invalidate(token);
        }
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        throw new ControlPlaneException($"The cloud refused the {what}: {(int)response.StatusCode} {(body.Length > 300 ? body[..300] : body)}".TrimEnd());
    }
}
