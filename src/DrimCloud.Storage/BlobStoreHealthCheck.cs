using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DrimCloud.Storage;

/// <summary>Healthy when the blob store answers a listing (the probe container need not exist).</summary>
public sealed class BlobStoreHealthCheck(IBlobStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await foreach (var _ in store.ListAsync("health-probe", "", cancellationToken)) break;
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The blob store is unreachable.", e);
        }
    }
}
