using DrimCloud.Api.DicomWeb.Store;
using Microsoft.AspNetCore.Mvc;

namespace DrimCloud.Api.DicomWeb;

/// <summary>DICOMweb (PS3.18) for one tenant, under <c>/tenants/{tenant}/dicomweb</c>. See docs/dicomweb-conformance.md.</summary>
public static class DicomWebEndpoints
{
    public static IServiceCollection AddDicomWeb(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<Infrastructure.AuditLog>();
        services.AddScoped<InstanceIngestor>();
        services.AddScoped<InstanceIndexWriter>();
        return services;
    }

    public static RouteGroupBuilder MapDicomWeb(this RouteGroupBuilder tenant)
    {
        var dicomweb = tenant.MapGroup("/dicomweb");

        // STOW-RS: bodies are streamed, so the request size is bounded by storage, not by the server's default 30 MB.
        dicomweb.MapPost("/studies", (HttpContext http, InstanceIngestor ingestor, Infrastructure.AuditLog audit) => StoreEndpoint.HandleAsync(http, null, ingestor, audit))
            .WithMetadata(new DisableRequestSizeLimitAttribute());
        dicomweb.MapPost("/studies/{study}", (HttpContext http, string study, InstanceIngestor ingestor, Infrastructure.AuditLog audit) => StoreEndpoint.HandleAsync(http, study, ingestor, audit))
            .WithMetadata(new DisableRequestSizeLimitAttribute());
        return dicomweb;
    }
}
