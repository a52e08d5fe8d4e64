using DrimCloud.Api.DicomWeb.Retrieve;

namespace DrimCloud.Api.DicomWeb;

public static partial class DicomWebEndpoints
{
    static partial void MapRetrieve(RouteGroupBuilder dicomweb)
    {
        dicomweb.MapGet("/studies/{study}", (HttpContext http, string study, InstanceRetrieval retrieval) =>
            retrieval.HandleAsync(http, study, null, null));
        dicomweb.MapGet("/studies/{study}/series/{series}", (HttpContext http, string study, string series, InstanceRetrieval retrieval) =>
            retrieval.HandleAsync(http, study, series, null));
        dicomweb.MapGet("/studies/{study}/series/{series}/instances/{instance}", (HttpContext http, string study, string series, string instance, InstanceRetrieval retrieval) =>
            retrieval.HandleAsync(http, study, series, instance));

        dicomweb.MapGet("/studies/{study}/metadata", (HttpContext http, string study, MetadataRetrieval metadata) =>
            metadata.HandleAsync(http, study, null, null));
        dicomweb.MapGet("/studies/{study}/series/{series}/metadata", (HttpContext http, string study, string series, MetadataRetrieval metadata) =>
            metadata.HandleAsync(http, study, series, null));
        dicomweb.MapGet("/studies/{study}/series/{series}/instances/{instance}/metadata", (HttpContext http, string study, string series, string instance, MetadataRetrieval metadata) =>
            metadata.HandleAsync(http, study, series, instance));

        dicomweb.MapGet("/studies/{study}/series/{series}/instances/{instance}/frames/{frames}", (HttpContext http, string study, string series, string instance, string frames, FrameRetrieval retrieval) =>
            retrieval.HandleAsync(http, study, series, instance, frames));
        dicomweb.MapGet("/studies/{study}/series/{series}/instances/{instance}/bulk/{**path}", (HttpContext http, string study, string series, string instance, string path, BulkDataRetrieval bulk) =>
            bulk.HandleAsync(http, study, series, instance, path));
    }
}
