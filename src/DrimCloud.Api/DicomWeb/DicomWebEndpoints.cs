using DrimCloud.Api.DicomWeb.Retrieve;
using DrimCloud.Api.DicomWeb.Store;
using DrimCloud.Api.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace DrimCloud.Api.DicomWeb;

/// <summary>
/// DICOMweb (PS3.18) for one tenant, under <c>/tenants/{tenant}/dicomweb</c>: one folder per feature (Store,
/// Retrieve, Query, Rendered, Delete), each mapping its own routes here. See docs/dicomweb-conformance.md.
/// </summary>
public static partial class DicomWebEndpoints
{
    public static IServiceCollection AddDicomWeb(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<AuditLog>();
        services.AddScoped<InstanceIngestor>();
        services.AddScoped<InstanceIndexWriter>();
        services.AddScoped<StoreSession>();
        services.AddSingleton<SqliteWriteGate>();
        services.AddSingleton<IndexCommitQueue>();
        services.AddScoped<IFrameSource, StoredFrameSource>();
        services.AddScoped<InstanceRetrieval>();
        services.AddScoped<MetadataRetrieval>();
        services.AddScoped<SeriesMetadataDocuments>();
        services.AddScoped<FrameRetrieval>();
        services.AddScoped<BulkDataRetrieval>();
        services.AddScoped<StudyDeletion>();
        AddQueryServices(services);
        AddRenderedServices(services);
        return services;
    }

    public static RouteGroupBuilder MapDicomWeb(this RouteGroupBuilder tenant)
    {
        var dicomweb = tenant.MapGroup("/dicomweb");

        // STOW-RS: bodies are streamed, so the request size is bounded by storage, not by the server's default 30 MB.
        dicomweb.MapPost("/studies", (HttpContext http, InstanceIngestor ingestor, StoreSession session, AuditLog audit) => StoreEndpoint.HandleAsync(http, null, ingestor, session, audit))
            .WithMetadata(new DisableRequestSizeLimitAttribute());
        dicomweb.MapPost("/studies/{study}", (HttpContext http, string study, InstanceIngestor ingestor, StoreSession session, AuditLog audit) => StoreEndpoint.HandleAsync(http, study, ingestor, session, audit))
            .WithMetadata(new DisableRequestSizeLimitAttribute());

        MapRetrieve(dicomweb);
        MapQuery(dicomweb);
        MapRendered(dicomweb);
        MapDelete(dicomweb);
        return dicomweb;
    }

    /// <summary>WADO-RS instances, metadata, frames, bulk data: Retrieve/RetrieveEndpoints.cs.</summary>
    static partial void MapRetrieve(RouteGroupBuilder dicomweb);

    /// <summary>QIDO-RS: Query/QueryEndpoints.cs.</summary>
    static partial void MapQuery(RouteGroupBuilder dicomweb);

    static partial void AddQueryServices(IServiceCollection services);

    /// <summary>WADO-RS rendered and thumbnail resources: Rendered/RenderedEndpoints.cs.</summary>
    static partial void MapRendered(RouteGroupBuilder dicomweb);

    static partial void AddRenderedServices(IServiceCollection services);

    /// <summary>DELETE of studies, series, instances (tenant administrators): Delete/DeleteEndpoints.cs.</summary>
    static partial void MapDelete(RouteGroupBuilder dicomweb);
}
