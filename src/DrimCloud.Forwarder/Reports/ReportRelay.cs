using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DrimCloud.Forwarder.Cloud;
using Microsoft.Extensions.Options;

namespace DrimCloud.Forwarder.Reports;

public enum RelayResult { Sent, Refused, RetryLater }

/// <summary>
/// Sends spooled report messages, oldest first, to <c>POST /tenants/{tenant}/reports/hl7v2</c>. A message leaves the
/// spool only when the cloud accepted it (200/201); a 4xx refusal moves it to rejected/ with the cloud's reason;
/// anything else (network, 5xx, token trouble) is retried with exponential back-off and jitter, capped at 5 minutes,
/// in order, so reports reach the cloud in the order the RIS sent them.
/// </summary>
public sealed class ReportRelay(IHttpClientFactory httpClients, CloudTokenClient tokens, IOptions<ForwarderOptions> options,
    ReportSpool spool, CloudLinkStatus link, ILogger<ReportRelay> logger) : BackgroundService
{
    public const string MediaType = "application/hl7-v2";
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var failed = false;
                foreach (var report in spool.Pending())
                {
                    var result = await SendAsync(report, stoppingToken);
                    if (result == RelayResult.RetryLater) { failed = true; break; }
                }
                if (failed)
                {
                    var jittered = backoff * (0.5 + Random.Shared.NextDouble());
                    await Task.Delay(jittered, stoppingToken);
                    backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
                }
                else
                {
                    backoff = TimeSpan.FromSeconds(1);
                    await spool.WaitForWorkAsync(TimeSpan.FromSeconds(30), stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogError(e, "The report spool {Spool} could not be read; retrying.", spool.Root);
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
            }
        }
    }

    /// <summary>Last delivery and last failure, for the heartbeat (details are in the log).</summary>
    public DateTimeOffset? LastSentAt { get; private set; }
    public string? LastError { get; private set; }
    public DateTimeOffset? LastErrorAt { get; private set; }

    /// <summary>Sends one spooled message and applies the outcome to the spool.</summary>
    public async Task<RelayResult> SendAsync(SpooledReport report, CancellationToken cancellationToken)
    {
        var result = await SendOnceAsync(report, cancellationToken);
        if (result == RelayResult.Sent) LastSentAt = DateTimeOffset.UtcNow;
        else
        {
            LastError = result == RelayResult.Refused
                ? $"report message {report.Id} refused by the cloud (kept in {spool.RejectedDirectory})"
                : $"report message {report.Id} not delivered yet; retrying (see the forwarder log)";
            LastErrorAt = DateTimeOffset.UtcNow;
        }
        return result;
    }

    private async Task<RelayResult> SendOnceAsync(SpooledReport report, CancellationToken cancellationToken)
    {
        var o = options.Value;
        try
        {
            var body = await File.ReadAllBytesAsync(report.Path, cancellationToken);
            var token = await tokens.GetTokenAsync(cancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Post,
                CloudUris.Combine(o.Cloud.ApiUrl!, $"tenants/{Uri.EscapeDataString(o.Tenant)}/reports/hl7v2"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(MediaType);
            using var response = await httpClients.CreateClient(CloudUris.HttpClientName).SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            if (status < 500 && response.StatusCode != HttpStatusCode.Unauthorized) link.ApiAnswered();
            if (response.IsSuccessStatusCode)
            {
                var reference = response.Headers.Location?.ToString() ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await spool.MarkSentAsync(report, reference, cancellationToken);
                logger.LogInformation("Report message {Id} delivered to the cloud ({Status}, {Reference}).", report.Id, status, reference);
                return RelayResult.Sent;
            }
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                tokens.Invalidate(token);
                logger.LogWarning("The cloud refused the forwarder's token (401) while sending report {Id}; will retry with a new one.", report.Id);
                return RelayResult.RetryLater;
            }
            if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
            {
                logger.LogError("The cloud answered {Status} for report {Id}: check Forwarder:Tenant and Forwarder:ClientId. The message stays spooled.",
                    status, report.Id);
                return RelayResult.RetryLater;
            }
            if (status is >= 400 and < 500 && response.StatusCode != HttpStatusCode.RequestTimeout && status != 429)
            {
                var reason = await ReasonAsync(response, cancellationToken);
                logger.LogError("The cloud refused report message {Id} ({Status}): {Reason}. Kept in {Folder}.", report.Id, status, reason, spool.RejectedDirectory);
                await spool.MoveToRejectedAsync(report, $"{status} {reason}", cancellationToken);
                return RelayResult.Refused;
            }
            logger.LogWarning("The cloud answered {Status} for report message {Id}; will retry.", status, report.Id);
            return RelayResult.RetryLater;
        }
        catch (CredentialsRejectedException e)
        {
            logger.LogError("Credentials rejected while relaying reports: {Reason}. Reports keep being spooled.", e.Message);
            return RelayResult.RetryLater;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or TimeoutException
                                  || e.GetType().Name.Contains("Timeout", StringComparison.Ordinal) || e.GetType().Name.Contains("BrokenCircuit", StringComparison.Ordinal))
        {
            if (cancellationToken.IsCancellationRequested) throw;
            logger.LogWarning("DrimCloud is unreachable for report message {Id}: {Reason}", report.Id, e.Message);
            return RelayResult.RetryLater;
        }
    }

    private static async Task<string> ReasonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            return problem.TryGetProperty("detail", out var detail) ? detail.GetString() ?? "" : problem.ToString();
        }
        catch (JsonException)
        {
            return response.ReasonPhrase ?? "";
        }
    }
}
