using System.Globalization;
using System.Text.Json;
using DrimCloud.Api.DicomWeb.Common;
using DrimCloud.Api.Infrastructure;
using DrimCloud.Data;
using DrimCloud.Dicom.Multipart;
using DrimCloud.Domain.Audit;
using DrimCloud.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace DrimCloud.Api.DicomWeb.Retrieve;

/// <summary>
/// WADO-RS bulk data: the values the metadata names by BulkDataURI (<c>…/instances/{sop}/bulk/{path}</c>), read by
/// byte range from the stored file. Single-part <c>application/octet-stream</c> with HTTP Range support (206), or one
/// multipart/related part when the client asks for multipart.
/// </summary>
public sealed class BulkDataRetrieval(DrimCloudDbContext db, IBlobStore blobs, ITenantContext tenant, AuditLog audit)
{
    public async Task HandleAsync(HttpContext http, string study, string series, string sop, string path)
    {
        var cancellationToken = http.RequestAborted;
        var row = await db.Instances.AsNoTracking()
            .Where(i => i.SopInstanceUid == sop && i.Series!.SeriesInstanceUid == series && i.Series.Study!.StudyInstanceUid == study)
            .Select(i => new { i.BlobKey, i.BulkIndexJson }).SingleOrDefaultAsync(cancellationToken);
        var index = row?.BulkIndexJson is null ? null : JsonSerializer.Deserialize<Dictionary<string, long[]>>(row.BulkIndexJson);
        if (row is null || index is null || !index.TryGetValue(path.TrimEnd('/'), out var range))
        {
            await audit.RecordAsync("bulkdata.retrieve", sop, AuditOutcome.Failed, "not found");
            await Problems.WriteAsync(http, StatusCodes.Status404NotFound, "Not Found", $"Instance {sop} has no bulk data at '{path}'.");
            return;
        }

        var (offset, length) = (range[0], range[1]);
        var accept = AcceptedMediaType.Parse(http.Request.Headers.Accept);
        var multipart = accept.FirstOrDefault(a => a.IsAny || a.Is(DicomWebMediaTypes.OctetStream) || a.Is(DicomWebMediaTypes.MultipartRelated) || a.Is("application/*"));
        if (multipart is null)
        {
            await Problems.WriteAsync(http, StatusCodes.Status406NotAcceptable, "Not Acceptable", "Bulk data is available as application/octet-stream or multipart/related.");
            return;
        }
        await audit.RecordAsync("bulkdata.retrieve", sop, AuditOutcome.Success, path);
        var container = BlobNames.ContainerFor(tenant.TenantId!.Value);

        if (multipart.Is(DicomWebMediaTypes.MultipartRelated))
        {
            var writer = new MultipartWriter(http.Response.Body);
            http.Response.ContentType = writer.GetContentType(DicomWebMediaTypes.OctetStream);
            var headers = new MultipartHeaders();
            headers.Set("Content-Type", DicomWebMediaTypes.OctetStream);
            headers.Set("Content-Length", length.ToString(CultureInfo.InvariantCulture));
            await using var part = await blobs.OpenReadAsync(container, row.BlobKey, offset, length, cancellationToken);
            await writer.WritePartAsync(headers, part, cancellationToken);
            await writer.CompleteAsync(cancellationToken);
            return;
        }

        // Single part: honour one byte range (what dicomweb-client sends for large bulk data).
        var (from, count, partial) = RangeOf(http.Request.Headers.Range, length);
        if (count < 0)
        {
            http.Response.Headers.ContentRange = $"bytes */{length}";
            await Problems.WriteAsync(http, StatusCodes.Status416RangeNotSatisfiable, "Range Not Satisfiable", $"The value has {length} bytes.");
            return;
        }
        http.Response.StatusCode = partial ? StatusCodes.Status206PartialContent : StatusCodes.Status200OK;
        http.Response.ContentType = DicomWebMediaTypes.OctetStream;
        http.Response.ContentLength = count;
        http.Response.Headers.AcceptRanges = "bytes";
        if (partial) http.Response.Headers.ContentRange = $"bytes {from}-{from + count - 1}/{length}";
        await using var body = await blobs.OpenReadAsync(container, row.BlobKey, offset + from, count, cancellationToken);
        await body.CopyToAsync(http.Response.Body, cancellationToken);
    }

    /// <returns>(start, length, partial); length -1 when the range cannot be satisfied.</returns>
    private static (long From, long Count, bool Partial) RangeOf(string? header, long total)
    {
        if (string.IsNullOrWhiteSpace(header) || !RangeHeaderValue.TryParse(header, out var parsed) || parsed.Ranges.Count != 1
            || !string.Equals(parsed.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase))
            return (0, total, false);
        var r = parsed.Ranges.First();
        long from, to;
        if (r.From is null) { from = Math.Max(0, total - (r.To ?? 0)); to = total - 1; }
        else { from = r.From.Value; to = Math.Min(r.To ?? total - 1, total - 1); }
        return from >= total || to < from ? (0, -1, true) : (from, to - from + 1, true);
    }
}
