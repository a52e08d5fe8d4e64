using System.Diagnostics;

namespace DrimCloud.Portal.Health;

public sealed record ServiceHealth(string Service, string Description, string Status, long? LatencyMs);

/// <summary>Asks each platform service for its <c>/health</c> (through service discovery) and reports what it says.</summary>
public sealed class ServiceHealthProbe(IHttpClientFactory httpClients)
{
    public const string HttpClientName = "health-probe";

    public static readonly IReadOnlyList<(string Name, string Description)> Services =
    [
        ("api", "DICOMweb, forwarder and report API"),
        ("identity", "Tokens (OAuth2, OpenID Connect)"),
        ("worker", "Background jobs (publication, checks)"),
    ];

    public Task<ServiceHealth[]> ProbeAllAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Services.Select(s => ProbeAsync(s.Name, s.Description, cancellationToken)));

    private async Task<ServiceHealth> ProbeAsync(string name, string description, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).GetAsync(new Uri($"http://{name}/health"), cancellationToken);
            var body = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
            var status = response.IsSuccessStatusCode ? (body.Length is > 0 and < 20 ? body : "Healthy") : (body.Length is > 0 and < 20 ? body : "Unhealthy");
            return new ServiceHealth(name, description, status, clock.ElapsedMilliseconds);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            return new ServiceHealth(name, description, "Unreachable", null);
        }
    }
}
