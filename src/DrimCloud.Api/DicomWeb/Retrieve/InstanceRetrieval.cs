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
/// Each stored blob is streamed into its part as it is read, so a study of any size flows through in bounded memory;
/// conversion to Explicit VR Little Endian, when asked, reads the stored file by ranges and streams the result.
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

        await audit.RecordAsync("instance.retrieve", resource, AuditOutcome.Success, $"{instances.Count} instance(s)");
        var writer = new MultipartWriter(http.Response.Body);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = writer.GetContentType(DicomWebMediaTypes.Dicom, target == TransferSyntaxNegotiation.AsStored ? null : target);
        var container = BlobNames.ContainerFor(tenant.TenantId!.Value);
        foreach (var instance in instances)
        {
            var syntax = target == TransferSyntaxNegotiation.AsStored ? instance.TransferSyntaxUid : target;
            var headers = new MultipartHeaders();
            headers.Set("Content-Type", $"{DicomWebMediaTypes.Dicom}; transfer-syntax={syntax}");
            if (syntax == instance.TransferSyntaxUid)
            {
                headers.Set("Content-Length", instance.SizeBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
                await using var blob = await blobs.OpenReadAsync(container, instance.BlobKey, cancellationToken: cancellationToken);
                await writer.WritePartAsync(headers, blob, cancellationToken);
            }
            else
            {
                await using var converted = await ConvertAsync(container, instance.BlobKey, DicomTransferSyntax.FromUid(syntax), cancellationToken);
                await writer.WritePartAsync(headers, converted, cancellationToken);
            }
        }
        await writer.CompleteAsync(cancellationToken);
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
