using System.Globalization;
using DrimCloud.Api.DicomWeb.Common;
using DrimCloud.Api.Infrastructure;
using DrimCloud.Dicom;
using DrimCloud.Dicom.Multipart;
using DrimCloud.Domain.Audit;
using DrimCloud.Storage;

namespace DrimCloud.Api.DicomWeb.Retrieve;

/// <summary>
/// WADO-RS frames: <c>…/instances/{sop}/frames/{1,2,…}</c>. Uncompressed frames are sent as
/// <c>application/octet-stream</c> (Explicit VR Little Endian byte order), compressed frames in their original encoding
/// (<c>transfer-syntax=*</c>, or their image media type), each read by byte ranges located by the frame index.
/// </summary>
public sealed class FrameRetrieval(IFrameSource frames, IBlobStore blobs, Data.ITenantContext tenant, AuditLog audit)
{
    private const string ExplicitLittle = "1.2.840.10008.1.2.1";

    public async Task HandleAsync(HttpContext http, string study, string series, string sop, string frameList)
    {
        var cancellationToken = http.RequestAborted;
        if (!TryParseFrames(frameList, out var numbers))
        {
            await Problems.WriteAsync(http, StatusCodes.Status400BadRequest, "Bad Request",
                $"Invalid frame list '{frameList}': expected comma-separated frame numbers starting at 1.");
            return;
        }
        var instance = await frames.FindInstanceAsync(study, series, sop, cancellationToken);
        if (instance is null)
        {
            await audit.RecordAsync("frame.retrieve", sop, AuditOutcome.Failed, "not found");
            await Problems.WriteAsync(http, StatusCodes.Status404NotFound, "Not Found", $"No stored instance {sop} in series {series} of study {study}.");
            return;
        }

        var stored = instance.TransferSyntaxUid;
        var encapsulated = FrameMediaTypes.IsEncapsulated(stored);
        var choice = Negotiate(AcceptedMediaType.Parse(http.Request.Headers.Accept), stored, encapsulated);
        if (choice is null)
        {
            await audit.RecordAsync("frame.retrieve", sop, AuditOutcome.Failed, "not acceptable");
            await Problems.WriteAsync(http, StatusCodes.Status406NotAcceptable, "Not Acceptable", encapsulated
                ? $"Frames are stored compressed ({stored}); ask for multipart/related; type=\"application/octet-stream\"; transfer-syntax=* or type=\"{FrameMediaTypes.ForCompressed(stored)}\"."
                : "Uncompressed frames are available as multipart/related; type=\"application/octet-stream\".");
            return;
        }

        var frameCount = instance.FrameIndex is { } indexBytes ? FrameIndex.Deserialize(indexBytes).Frames.Count : instance.NumberOfFrames ?? 1;
        var missing = numbers.Where(n => n > frameCount).ToList();
        if (missing.Count > 0)
        {
            await audit.RecordAsync("frame.retrieve", sop, AuditOutcome.Failed, "no such frame");
            await Problems.WriteAsync(http, StatusCodes.Status404NotFound, "Not Found", $"Instance {sop} has {frameCount} frame(s); frame {missing[0]} does not exist.");
            return;
        }

        await audit.RecordAsync("frame.retrieve", sop, AuditOutcome.Success, frameList);
        var writer = new MultipartWriter(http.Response.Body);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = writer.GetContentType(choice.Value.PartType, choice.Value.TransferSyntax);
        var swap = !encapsulated && DicomTransferSyntax.FromUid(stored).IsBigEndian ? BigEndianWordSize(instance) : 0;
        foreach (var n in numbers)
        {
            var headers = new MultipartHeaders();
            headers.Set("Content-Type", $"{choice.Value.PartType}; transfer-syntax={choice.Value.TransferSyntax}");
            headers.Set("Content-Location", $"{new DicomWebUrls(http.Request, http.Tenant().Slug).Instance(study, series, sop)}/frames/{n}");
            await using var frame = await OpenFrameAsync(instance, n, cancellationToken);
            await writer.WritePartAsync(headers, swap > 1 ? new ByteSwapStream(frame, swap) : frame, cancellationToken);
        }
        await writer.CompleteAsync(cancellationToken);
    }

    private async Task<Stream> OpenFrameAsync(StoredInstanceRef instance, int n, CancellationToken cancellationToken)
    {
        if (instance.FrameIndex is not null)
            return await frames.OpenFrameAsync(instance, n, cancellationToken) ?? Stream.Null;
        // No frame index (deflated data set, bit-packed frames): read the instance and cut the frame out of it.
        return await FallbackFrames.ReadAsync(blobs, BlobNames.ContainerFor(tenant.TenantId!.Value), instance, n, cancellationToken);
    }

    private static int BigEndianWordSize(StoredInstanceRef instance) => instance.BitsAllocated is > 8 ? instance.BitsAllocated.Value / 8 : 1;

    /// <summary>(part media type, transfer syntax label) or null when nothing acceptable can be produced.</summary>
    private static (string PartType, string TransferSyntax)? Negotiate(IReadOnlyList<AcceptedMediaType> accept, string stored, bool encapsulated)
    {
        var compressedType = FrameMediaTypes.ForCompressed(stored);
        foreach (var range in accept)
        {
            if (range.IsAny) return encapsulated ? (DicomWebMediaTypes.OctetStream, stored) : (DicomWebMediaTypes.OctetStream, ExplicitLittle);
            if (!range.Is(DicomWebMediaTypes.MultipartRelated) && !range.Is("multipart/*")) continue;
            var type = range.Type ?? DicomWebMediaTypes.OctetStream;
            var syntax = range.TransferSyntax;
            if (string.Equals(type, DicomWebMediaTypes.OctetStream, StringComparison.OrdinalIgnoreCase))
            {
                if (encapsulated && (syntax == "*" || syntax == stored)) return (DicomWebMediaTypes.OctetStream, stored);
                if (!encapsulated && (syntax is null or "*" or ExplicitLittle)) return (DicomWebMediaTypes.OctetStream, ExplicitLittle);
            }
            else if (encapsulated && compressedType is not null && string.Equals(type, compressedType, StringComparison.OrdinalIgnoreCase)
                     && (syntax is null or "*" || syntax == stored))
            {
                return (compressedType, stored);
            }
        }
        return null;
    }

    private static bool TryParseFrames(string text, out List<int> numbers)
    {
        numbers = [];
        foreach (var piece in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(piece, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1) return false;
            numbers.Add(n);
        }
        return numbers.Count is > 0 and <= 10_000;
    }
}
