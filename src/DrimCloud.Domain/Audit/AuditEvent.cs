namespace DrimCloud.Domain.Audit;

/// <summary>
/// One access to patient data or one security-relevant action: who, which tenant, what, and the outcome.
/// Append-only: nothing updates or deletes audit rows (retention is a separate, audited purge).
/// </summary>
public sealed class AuditEvent : ITenantOwned
{
    public long Id { get; set; }
    public Guid TenantId { get; set; }
    public DateTimeOffset OccurredAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>Subject of the caller's token (client id, user id) or "system".</summary>
    public required string Actor { get; set; }

    /// <summary>forwarder, user, system, consumer, patient.</summary>
    public required string ActorType { get; set; }

    /// <summary>What was done, e.g. <c>tenant.read</c>, <c>instance.store</c>, <c>study.retrieve</c>.</summary>
    public required string Action { get; set; }

    /// <summary>What it was done to (a study UID, a route), never patient names.</summary>
    public string? Resource { get; set; }

    /// <summary>success, denied, failed.</summary>
    public required string Outcome { get; set; }

    public string? Detail { get; set; }
    public string? SourceAddress { get; set; }
    public string? CorrelationId { get; set; }
}
