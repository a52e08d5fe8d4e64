namespace DrimCloud.Domain.Tenants;

/// <summary>An on-prem forwarder registered for a tenant: its OAuth2 client id is bound to that tenant only.</summary>
public sealed class ForwarderClient : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenantId { get; set; }
    public Tenant? Tenant { get; set; }

    /// <summary>OAuth2 client id (globally unique: the identity server maps it back to its tenant).</summary>
    public required string ClientId { get; set; }

    public required string DisplayName { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? LastSeenAt { get; set; }
}
