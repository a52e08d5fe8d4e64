using DrimCloud.Data;
using DrimCloud.Domain.Tenants;

namespace DrimCloud.Api.Infrastructure;

/// <summary>
/// Guards every <c>/tenants/{tenant}/…</c> endpoint: the caller's token must name the route's tenant (else 403, and
/// nothing says whether that tenant exists); then the request's <see cref="TenantContext"/> is set, so every query
/// that follows sees this tenant's rows only.
/// </summary>
public sealed class TenantAccessFilter(TenantDirectory tenants, ILogger<TenantAccessFilter> logger) : IEndpointFilter
{
    public const string RouteKey = "tenant";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var slug = http.GetRouteValue(RouteKey) as string;
        var claimed = DrimCloudClaims.TenantOf(http.User);
        if (slug is null || claimed is null || !string.Equals(slug, claimed, StringComparison.Ordinal))
        {
            logger.LogWarning("Refused {Method} {Path}: token of {Subject} is bound to tenant {Claimed}.",
                http.Request.Method, http.Request.Path, http.User.FindFirst("sub")?.Value, claimed ?? "(none)");
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "The access token is not valid for this tenant.");
        }

        var db = http.RequestServices.GetRequiredService<DrimCloudDbContext>();
        var tenant = await tenants.FindAsync(db, slug, http.RequestAborted);
        if (tenant is null)
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: $"Tenant '{slug}' does not exist.");

        http.RequestServices.GetRequiredService<TenantContext>().Set(tenant.Id);
        http.Items[typeof(Tenant)] = tenant;
        return await next(context);
    }
}

public static class TenantHttpContextExtensions
{
    /// <summary>The tenant resolved by <see cref="TenantAccessFilter"/> for this request.</summary>
    public static Tenant Tenant(this HttpContext http) =>
        http.Items[typeof(Tenant)] as Tenant ?? throw new InvalidOperationException("No tenant resolved for this request.");
}
