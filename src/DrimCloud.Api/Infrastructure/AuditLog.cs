using DrimCloud.Data;
using DrimCloud.Domain.Audit;

namespace DrimCloud.Api.Infrastructure;

/// <summary>
/// Writes the audit trail of the current request (who, which tenant, what, outcome) into the tenant's audit table.
/// Every access to patient data records one event per request. Resources name UIDs, never patient identities.
/// </summary>
public sealed class AuditLog(ITenantScopedDbContextFactory contexts, IHttpContextAccessor accessor, ILogger<AuditLog> logger)
{
    public async Task RecordAsync(string action, string? resource, string outcome, string? detail = null)
    {
        var http = accessor.HttpContext ?? throw new InvalidOperationException("No request to audit.");
        var tenant = http.Tenant();
        try
        {
            // A context of its own: the audit row commits even when the request's unit of work does not.
            await using var db = contexts.Create(tenant.Id);
            db.AuditEvents.Add(new AuditEvent
            {
                Actor = http.User.FindFirst("sub")?.Value ?? "anonymous",
                ActorType = http.User.FindFirst(DrimCloudClaims.ClientKind)?.Value ?? "unknown",
                Action = action,
                Resource = Truncate(resource, 400),
                Outcome = outcome,
                Detail = Truncate(detail, 2000),
                SourceAddress = http.Connection.RemoteIpAddress?.ToString(),
                CorrelationId = Truncate(System.Diagnostics.Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier, 64),
            });
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Losing an audit row must be loud: it is a compliance event in its own right.
            logger.LogCritical(e, "AUDIT WRITE FAILED: {Action} {Resource} {Outcome} by {Actor} on tenant {Tenant}.",
                action, resource, outcome, http.User.FindFirst("sub")?.Value, tenant.Slug);
        }
    }

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
