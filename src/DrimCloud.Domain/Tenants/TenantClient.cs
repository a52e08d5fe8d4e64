namespace DrimCloud.Domain.Tenants;

/// <summary>What a tenant's OAuth2 client is for: it decides the claims of its tokens.</summary>
public enum TenantClientKind
{
    /// <summary>An on-prem forwarder: stores instances, relays reports, reads its tenant.</summary>
    Forwarder = 0,

    /// <summary>A tenant administrator's automation: everything a forwarder may do, plus deletions and settings.</summary>
    Administrator = 1,
}

/// <summary>
/// An OAuth2 client registered for a tenant (an on-prem forwarder, an administrator's tool). Its client id is bound
/// to that tenant only: every token issued to it carries the tenant, and the API refuses any other tenant.
/// </summary>
public sealed class TenantClient : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenantId { get; set; }
    public Tenant? Tenant { get; set; }

    /// <summary>OAuth2 client id (globally unique: the identity server maps it back to its tenant).</summary>
    public required string ClientId { get; set; }

    public required string DisplayName { get; set; }
    public TenantClientKind Kind { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? LastSeenAt { get; set; }
}
