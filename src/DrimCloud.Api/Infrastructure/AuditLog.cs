using DrimCloud.Data;
using DrimCloud.Domain.Audit;

namespace DrimCloud.Api.Infrastructure;

/// <summary>
/// Writes the audit trail of the current request (who, which tenant, what, outcome) into the tenant's audit table.
/// Every access to patient data records one event per request. Resources name UIDs, never patient identities.
/// </summary>
public sealed class AuditLog(ITenantScopedDbContextFactory contexts, IHttpContextAccessor accessor, ILogger<AuditLog> logger)
{
    public Task RecordAsync(string action, string? resource, string outcome, string? detail = null) =>
        RecordAsync(Describe(action, resource, outcome, detail));

    /// <summary>
    /// The event of the current request, not yet written: a caller that commits its own transaction adds it to that
    /// transaction (one commit instead of two), and falls back to <see cref="RecordAsync(AuditEvent)"/> if it fails.
    /// </summary>
    public AuditEvent Describe(string action, string? resource, string outcome, string? detail = null)
    {
        var http = accessor.HttpContext ?? throw new InvalidOperationException("No request to audit.");
        return new AuditEvent
        {
            Actor = http.User.FindFirst("sub")?.Value ?? "anonymous",
            ActorType = http.User.FindFirst(DrimCloudClaims.ClientKind)?.Value ?? "unknown",
            Action = action,
            Resource = Truncate(resource, 400),
            Outcome = outcome,
            Detail = Truncate(detail, 2000),
            SourceAddress = http.Connection.RemoteIpAddress?.ToString(),
            CorrelationId = Truncate(System.Diagnostics.Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier, 64),
        };
    }

    /// <summary>Writes an event in a context of its own: it commits even when the request's unit of work does not.</summary>
    public async Task RecordAsync(AuditEvent audit)
    {
        var http = accessor.HttpContext ?? throw new InvalidOperationException("No request to audit.");
        var tenant = http.Tenant();
        try
        {
            await using var db = contexts.Create(tenant.Id);
            db.AuditEvents.Add(audit);
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Losing an audit row must be loud: it is a compliance event in its own right.
            logger.LogCritical(e, "AUDIT WRITE FAILED: {Action} {Resource} {Outcome} by {Actor} on tenant {Tenant}.",
                audit.Action, audit.Resource, audit.Outcome, audit.Actor, tenant.Slug);
        }
    }

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
