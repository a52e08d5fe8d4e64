using System.IO.Pipelines;
using DrimCloud.Api.DicomWeb.Common;
using DrimCloud.Api.Infrastructure;
using DrimCloud.Data;
using DrimCloud.Dicom;
using DrimCloud.Dicom.Multipart;
using DrimCloud.Domain.Audit;
using DrimCloud.Storage;
using Microsoft.EntityFrameworkCore;

namespace DrimCloud.Api.DicomWeb.Retrieve;

/// <summary>
/// WADO-RS retrieval of instances (study, series or one instance) as <c>multipart/related; type="application/dicom"</c>.
/// Each stored blob is streamed into its part as it is read, so a study of any size flows through in bounded memory.
/// When nothing needs converting the body is <see cref="AsStoredMultipartBody"/> (exact Content-Length, parts sent
/// byte for byte); conversion to Explicit VR Little Endian, when asked, reads the stored file by ranges and streams
/// the result (chunked). The retrieve is audited once it ends, with its outcome and how many instances were sent.
/// </summary>
public sealed class InstanceRetrieval(DrimCloudDbContext db, IBlobStore blobs, ITenantContext tenant, AuditLog audit, ILogger<InstanceRetrieval> logger)
{
    public async Task HandleAsync(HttpContext http, string study, string? series, string? sop)
    {
        var cancellationToken = http.RequestAborted;
        var query = db.Instances.AsNoTracking().Where(i => i.Series!.Study!.StudyInstanceUid == study);
        if (series is not null) query = query.Where(i => i.Series!.SeriesInstanceUid == series);
        if (sop is not null) query = query.Where(i => i.SopInstanceUid == sop);
        var instances = await query
            .OrderBy(i => i.Series!.SeriesNumber).ThenBy(i => i.Series!.SeriesInstanceUid).ThenBy(i => i.InstanceNumber).ThenBy(i => i.SopInstanceUid)
            .Select(i => new { i.SopInstanceUid, i.TransferSyntaxUid, i.BlobKey, i.SizeBytes })
            .ToListAsync(cancellationToken);
        var resource = sop ?? series ?? study;
        if (instances.Count == 0)
        {
            await audit.RecordAsync("instance.retrieve", resource, AuditOutcome.Failed, "not found");
            await Problems.WriteAsync(http, StatusCodes.Status404NotFound, "Not Found", $"No stored instance matches {Describe(study, series, sop)}.");
            return;
        }

        var accept = AcceptedMediaType.Parse(http.Request.Headers.Accept);
        var target = TransferSyntaxNegotiation.ChooseForInstances(accept, instances.Select(i => i.TransferSyntaxUid).Distinct().ToList());
        if (target is null)
        {
            await audit.RecordAsync("instance.retrieve", resource, AuditOutcome.Failed, "not acceptable");
            await Problems.WriteAsync(http, StatusCodes.Status406NotAcceptable, "Not Acceptable",
                "The instances cannot be sent in the requested media type / transfer syntax (compressed instances are sent as stored: ask with transfer-syntax=*).");
            return;
        }

        var container = BlobNames.ContainerFor(tenant.TenantId!.Value);
        var asStored = target == TransferSyntaxNegotiation.AsStored || instances.All(i => i.TransferSyntaxUid == target);
        var sent = 0;
        try
        {
            if (asStored)
            {
                var body = new AsStoredMultipartBody(MultipartRelatedContentType.NewBoundary(), instances
                    .Select(i => new AsStoredMultipartBody.Part($"{DicomWebMediaTypes.Dicom}; transfer-syntax={i.TransferSyntaxUid}", i.SizeBytes, i.BlobKey))
                    .ToList());
                http.Response.StatusCode = StatusCodes.Status200OK;
                http.Response.ContentType = new MultipartRelatedContentType(body.Boundary, DicomWebMediaTypes.Dicom, transferSyntax: target == TransferSyntaxNegotiation.AsStored ? null : target).ToString();
                http.Response.ContentLength = body.ContentLength;
                try
                {
                    await http.Response.StartAsync(cancellationToken);
                    await body.WriteAsync(http.Response.BodyWriter, (part, ct) => blobs.OpenReadAsync(container, part.BlobKey, cancellationToken: ct), cancellationToken);
                }
                finally
                {
                    sent = body.PartsSent;
                }
            }
            else
            {
                var writer = new MultipartWriter(http.Response.Body);
                http.Response.StatusCode = StatusCodes.Status200OK;
                http.Response.ContentType = writer.GetContentType(DicomWebMediaTypes.Dicom, target);
                foreach (var instance in instances)
                {
                    await WriteConvertedOrStoredAsync(writer, container, instance.TransferSyntaxUid, instance.BlobKey, instance.SizeBytes, target, cancellationToken);
                    sent++;
                }
                await writer.CompleteAsync(cancellationToken);
            }
        }
        catch (Exception e)
        {
            // Audited after the fact, with what was actually sent: the first byte waits for no audit write.
            var aborted = http.RequestAborted.IsCancellationRequested;
            await audit.RecordAsync("instance.retrieve", resource, AuditOutcome.Failed, aborted
                ? $"aborted by the client after {sent} of {instances.Count} instance(s)"
                : $"failed after {sent} of {instances.Count} instance(s): {e.GetType().Name}");
            if (aborted) return;
            // The status line and part of the body are gone: only dropping the connection tells the client.
            logger.LogError(e, "Retrieving {Resource} failed after {Sent} of {Count} instance(s).", resource, sent, instances.Count);
            http.Abort();
            return;
        }
        await audit.RecordAsync("instance.retrieve", resource, AuditOutcome.Success, $"{instances.Count} instance(s)");
    }

    private async Task WriteConvertedOrStoredAsync(MultipartWriter writer, string container, string storedSyntax, string key, long size, string target, CancellationToken cancellationToken)
    {
        var headers = new MultipartHeaders();
        headers.Set("Content-Type", $"{DicomWebMediaTypes.Dicom}; transfer-syntax={target}");
        if (storedSyntax == target)
        {
            headers.Set("Content-Length", size.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await using var blob = await blobs.OpenReadAsync(container, key, cancellationToken: cancellationToken);
            await writer.WritePartAsync(headers, blob, cancellationToken);
        }
        else
        {
            await using var converted = await ConvertAsync(container, key, DicomTransferSyntax.FromUid(target), cancellationToken);
            await writer.WritePartAsync(headers, converted, cancellationToken);
        }
    }

    /// <summary>The stored file rewritten in another uncompressed transfer syntax, produced while it is read.</summary>
    private async Task<Stream> ConvertAsync(string container, string key, DicomTransferSyntax target, CancellationToken cancellationToken)
    {
        var source = await blobs.OpenSeekableReadAsync(container, key, cancellationToken);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024));
        _ = Task.Run(async () =>
        {
            try
            {
                using var file = await DicomFile.ReadAsync(source, new DicomReadOptions { LeaveOpen = true }, cancellationToken);
                await using var output = pipe.Writer.AsStream(leaveOpen: true);
                DicomWriter.Write(file, output, new DicomWriteOptions { TransferSyntax = target, FileFormat = DicomFileFormat.Part10 });
                await output.FlushAsync(cancellationToken);
                await pipe.Writer.CompleteAsync();
            }
            catch (Exception e)
            {
                logger.LogError(e, "Converting {Key} to {Syntax} failed.", key, target.Uid);
                await pipe.Writer.CompleteAsync(e);
            }
            finally
            {
                await source.DisposeAsync();
            }
        }, cancellationToken);
        return pipe.Reader.AsStream();
    }

    private static string Describe(string study, string? series, string? sop) =>
        sop is not null ? $"instance {sop}" : series is not null ? $"series {series}" : $"study {study}";
}
