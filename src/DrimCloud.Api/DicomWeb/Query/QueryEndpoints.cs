using DrimCloud.Api.DicomWeb.Query;

namespace DrimCloud.Api.DicomWeb;

/// <summary>QIDO-RS (PS3.18 §10.6): the six search resources of the tenant's DICOMweb service.</summary>
public static partial class DicomWebEndpoints
{
    static partial void MapQuery(RouteGroupBuilder dicomweb)
    {
        dicomweb.MapGet("/studies", (HttpContext http, SearchHandler search) =>
            search.HandleAsync(http, QueryLevel.Study, null, null));
        dicomweb.MapGet("/series", (HttpContext http, SearchHandler search) =>
            search.HandleAsync(http, QueryLevel.Series, null, null));
        dicomweb.MapGet("/instances", (HttpContext http, SearchHandler search) =>
            search.HandleAsync(http, QueryLevel.Instance, null, null));
        dicomweb.MapGet("/studies/{study}/series", (HttpContext http, string study, SearchHandler search) =>
            search.HandleAsync(http, QueryLevel.Series, study, null));
        dicomweb.MapGet("/studies/{study}/instances", (HttpContext http, string study, SearchHandler search) =>
            search.HandleAsync(http, QueryLevel.Instance, study, null));
        dicomweb.MapGet("/studies/{study}/series/{series}/instances", (HttpContext http, string study, string series, SearchHandler search) =>
            search.HandleAsync(http, QueryLevel.Instance, study, series));
    }

    static partial void AddQueryServices(IServiceCollection services)
    {
        services.AddScoped<QueryExecutor>();
        services.AddScoped<SearchHandler>();
    }
}
