using DrimCloud.Api.DicomWeb.Rendered;

namespace DrimCloud.Api.DicomWeb;

public static partial class DicomWebEndpoints
{
    static partial void AddRenderedServices(IServiceCollection services)
    {
        services.AddSingleton<RenderingThrottle>();
        services.AddScoped<StoredFrameReader>();
        services.AddScoped<InstanceRenderer>();
        services.AddScoped<ImageInstances>();
        services.AddScoped<RepresentativeInstances>();
        services.AddScoped<EncapsulatedDocuments>();
        services.AddScoped<RenderedRetrieval>();
    }

    /// <summary>Retrieve Rendered (PS3.18 §10.4, rendered resources) and Thumbnail (§10.7) at every level.</summary>
    static partial void MapRendered(RouteGroupBuilder dicomweb)
    {
        foreach (var (suffix, thumbnail) in new[] { ("rendered", false), ("thumbnail", true) })
        {
            dicomweb.MapGet($"/studies/{{study}}/{suffix}", (HttpContext http, string study, RenderedRetrieval rendered) =>
                rendered.HandleAsync(http, new RenderRequest(study, null, null, null, thumbnail)));
            dicomweb.MapGet($"/studies/{{study}}/series/{{series}}/{suffix}", (HttpContext http, string study, string series, RenderedRetrieval rendered) =>
                rendered.HandleAsync(http, new RenderRequest(study, series, null, null, thumbnail)));
            dicomweb.MapGet($"/studies/{{study}}/series/{{series}}/instances/{{instance}}/{suffix}",
                (HttpContext http, string study, string series, string instance, RenderedRetrieval rendered) =>
                    rendered.HandleAsync(http, new RenderRequest(study, series, instance, null, thumbnail)));
            dicomweb.MapGet($"/studies/{{study}}/series/{{series}}/instances/{{instance}}/frames/{{frames}}/{suffix}",
                (HttpContext http, string study, string series, string instance, string frames, RenderedRetrieval rendered) =>
                    rendered.HandleAsync(http, new RenderRequest(study, series, instance, frames, thumbnail)));
        }
    }
}
