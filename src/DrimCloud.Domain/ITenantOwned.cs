namespace DrimCloud.Domain;

/// <summary>A row that belongs to exactly one tenant. The data layer scopes every query on it to the current tenant.</summary>
public interface ITenantOwned
{
    Guid TenantId { get; set; }
}
