using DrimCloud.Api.Infrastructure;

namespace DrimCloud.Api.Tenants;

/// <summary>What a forwarder (or any client of a tenant) may read about its tenant to check its configuration.</summary>
public sealed record TenantInfo(string Tenant, string DisplayName, string? StructureId, string DicomWebBase);

public static class TenantEndpoints
{
    public static RouteGroupBuilder MapTenantEndpoints(this RouteGroupBuilder tenant)
    {
        tenant.MapGet("", (HttpContext http) =>
        {
            var t = http.Tenant();
            return Results.Ok(new TenantInfo(t.Slug, t.DisplayName, t.StructureId, $"/tenants/{t.Slug}/dicomweb"));
        }).WithName("GetTenant");
        return tenant;
    }
}
