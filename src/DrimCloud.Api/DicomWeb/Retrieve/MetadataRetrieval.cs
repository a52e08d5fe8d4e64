using System.IO.Compression;
using DrimCloud.Api.DicomWeb.Common;
using DrimCloud.Api.Infrastructure;
using DrimCloud.Data;
using DrimCloud.Domain.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace DrimCloud.Api.DicomWeb.Retrieve;

/// <summary>
/// WADO-RS metadata (<c>application/dicom+json</c>) of a study, a series or an instance. Series documents come
/// prebuilt and compressed (<see cref="SeriesMetadataDocuments"/>); they are sent as gzip to clients that accept it
/// (all browsers and viewers), with an ETag so an unchanged series costs a 304.
/// </summary>
public sealed class MetadataRetrieval(DrimCloudDbContext db, SeriesMetadataDocuments documents, AuditLog audit)
{
    public async Task HandleAsync(HttpContext http, string study, string? series, string? sop)
    {
        var cancellationToken = http.RequestAborted;
        var baseUrl = new DicomWebUrls(http.Request, http.Tenant().Slug).Base;
        var resource = sop ?? series ?? study;

        if (sop is not null)
        {
            var row = await db.Instances.AsNoTracking()
                .Where(i => i.SopInstanceUid == sop && i.Series!.SeriesInstanceUid == series && i.Series.Study!.StudyInstanceUid == study)
                .Select(i => new { i.MetadataGz, i.Sha256 }).SingleOrDefaultAsync(cancellationToken);
            if (row?.MetadataGz is null)
            {
                await NotFoundAsync(http, resource, $"instance {sop}");
                return;
            }
            await audit.RecordAsync("metadata.retrieve", resource, AuditOutcome.Success);
            var etag = "\"" + row.Sha256[..32] + "\"";
            if (NotModified(http, etag)) return;
            await WriteAsync(http, etag, async output =>
            {
                using var json = new MemoryStream();
                json.WriteByte((byte)'[');
                SeriesMetadataDocuments.WriteInstanceJson(json, row.MetadataGz, baseUrl);
                json.WriteByte((byte)']');
                await output.WriteAsync(json.GetBuffer().AsMemory(0, (int)json.Length), cancellationToken);
            });
            return;
        }

        var seriesQuery = db.Series.AsNoTracking().Where(s => s.Study!.StudyInstanceUid == study);
        if (series is not null) seriesQuery = seriesQuery.Where(s => s.SeriesInstanceUid == series);
        var versions = await seriesQuery.OrderBy(s => s.SeriesNumber).ThenBy(s => s.SeriesInstanceUid)
            .Select(s => new SeriesMetadataDocuments.SeriesVersion(s.Id, s.SeriesInstanceUid, s.MetadataVersion))
            .ToListAsync(cancellationToken);
        if (versions.Count == 0)
        {
            await NotFoundAsync(http, resource, series is not null ? $"series {series}" : $"study {study}");
            return;
        }
        var tag = SeriesMetadataDocuments.ETagOf(versions, baseUrl);
        if (NotModified(http, tag))
        {
            await audit.RecordAsync("metadata.retrieve", resource, AuditOutcome.Success, $"{versions.Count} series, not modified");
            return;
        }
        try
        {
            await WriteSeriesAsync(http, versions, baseUrl, tag, cancellationToken);
        }
        catch (Exception) when (http.RequestAborted.IsCancellationRequested)
        {
            // Audited once the body is sent, so the first byte waits for no audit write.
            await audit.RecordAsync("metadata.retrieve", resource, AuditOutcome.Failed, $"{versions.Count} series, aborted by the client");
            return;
        }
        catch (Exception e)
        {
            await audit.RecordAsync("metadata.retrieve", resource, AuditOutcome.Failed, $"{versions.Count} series: {e.GetType().Name}");
            throw;
        }
        await audit.RecordAsync("metadata.retrieve", resource, AuditOutcome.Success, $"{versions.Count} series");
    }

    private async Task WriteSeriesAsync(HttpContext http, List<SeriesMetadataDocuments.SeriesVersion> versions, string baseUrl, string tag, CancellationToken cancellationToken)
    {
        if (versions.Count == 1)
        {
            // The common case (a viewer loading one series): the cached document goes out as it is stored, or
            // inflated on the way to a client without gzip; never held whole in memory.
            await using var cached = await documents.OpenGzipAsync(versions[0], baseUrl, cancellationToken);
            var gzip = AcceptsGzip(http);
            SetHeaders(http, tag, gzip);
            if (gzip)
            {
                await cached.CopyToAsync(http.Response.Body, cancellationToken);
                return;
            }
            await using var inflated = new GZipStream(cached, CompressionMode.Decompress);
            await inflated.CopyToAsync(http.Response.Body, 64 * 1024, cancellationToken);
            return;
        }

        // Several series (a study): join the series arrays into one.
        await WriteAsync(http, tag, async output =>
        {
            await output.WriteAsync("["u8.ToArray(), cancellationToken);
            var first = true;
            foreach (var version in versions)
            {
                await using var cached = await documents.OpenGzipAsync(version, baseUrl, cancellationToken);
                await using var json = new GZipStream(cached, CompressionMode.Decompress);
                using var buffer = new MemoryStream();
                await json.CopyToAsync(buffer, cancellationToken);
                if (buffer.Length <= 2) continue; // "[]"
                if (!first) await output.WriteAsync(","u8.ToArray(), cancellationToken);
                first = false;
                await output.WriteAsync(buffer.GetBuffer().AsMemory(1, (int)buffer.Length - 2), cancellationToken);
            }
            await output.WriteAsync("]"u8.ToArray(), cancellationToken);
        });
    }

    private static bool AcceptsGzip(HttpContext http) =>
        http.Request.Headers.AcceptEncoding.Any(v => v is not null && v.Contains("gzip", StringComparison.OrdinalIgnoreCase));

    private static bool NotModified(HttpContext http, string etag)
    {
        if (!http.Request.Headers.IfNoneMatch.Any(v => v is not null && (v.Contains(etag, StringComparison.Ordinal) || v.Trim() == "*"))) return false;
        http.Response.StatusCode = StatusCodes.Status304NotModified;
        http.Response.Headers.ETag = etag;
        return true;
    }

    private static void SetHeaders(HttpContext http, string etag, bool gzip)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = DicomWebMediaTypes.DicomJson;
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = "private, no-cache";
        http.Response.Headers.Vary = HeaderNames.AcceptEncoding;
        if (gzip) http.Response.Headers.ContentEncoding = "gzip";
    }

    /// <summary>Writes a JSON body produced by <paramref name="write"/>, gzip-compressed when the client accepts it.</summary>
    private static async Task WriteAsync(HttpContext http, string etag, Func<Stream, Task> write)
    {
        var gzip = AcceptsGzip(http);
        SetHeaders(http, etag, gzip);
        if (!gzip)
        {
            await using var buffered = new BufferedStream(http.Response.Body, 64 * 1024);
            await write(buffered);
            await buffered.FlushAsync(http.RequestAborted);
            return;
        }
        await using var compressor = new GZipStream(http.Response.Body, CompressionLevel.Fastest, leaveOpen: true);
        await using var buffer = new BufferedStream(compressor, 64 * 1024);
        await write(buffer);
        await buffer.FlushAsync(http.RequestAborted);
    }

    private async Task NotFoundAsync(HttpContext http, string resource, string what)
    {
        await audit.RecordAsync("metadata.retrieve", resource, AuditOutcome.Failed, "not found");
        await Problems.WriteAsync(http, StatusCodes.Status404NotFound, "Not Found", $"No stored {what} in this tenant.");
    }
}
