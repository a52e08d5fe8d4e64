using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DrimCloud.Api.DicomWeb.Common;
using DrimCloud.Api.DicomWeb.Retrieve;
using DrimCloud.Api.Infrastructure;
using DrimCloud.Dicom;
using DrimCloud.Dicom.Imaging;
using DrimCloud.Dicom.Multipart;
using DrimCloud.Domain.Audit;

namespace DrimCloud.Api.DicomWeb.Rendered;

/// <summary>Which rendered or thumbnail resource was asked for (PS3.18 §10.4.1.1.3, §10.7.1.1).</summary>
public sealed record RenderRequest(string Study, string? Series, string? Sop, string? Frames, bool Thumbnail)
{
    public string Resource => Sop ?? Series ?? Study;

    public string Action => Thumbnail ? "thumbnail.retrieve" : "rendered.retrieve";

    /// <summary>Study and series rendered, and several frames, answer multipart/related; everything else one picture.</summary>
    public bool IsCollection => !Thumbnail && (Sop is null || Frames?.Contains(',', StringComparison.Ordinal) == true);
}

/// <summary>
/// WADO-RS Retrieve Rendered and Thumbnail: pictures (JPEG, PNG) of stored images, made one frame at a time from
/// the frame index, and the documents of Encapsulated Document instances. Errors are problem details: 400 for a
/// bad parameter (named), 404 for what this tenant does not have, 406 for what cannot be produced as asked.
/// </summary>
public sealed class RenderedRetrieval(
    IFrameSource frames,
    ImageInstances images,
    RepresentativeInstances representatives,
    InstanceRenderer renderer,
    EncapsulatedDocuments documents,
    AuditLog audit,
    ILogger<RenderedRetrieval> logger)
{
    private static readonly RenderedOutput[] s_single = [.. InstanceRenderer.ImageMediaTypes.Select(t => new RenderedOutput(t, false))];
    private static readonly RenderedOutput[] s_multipart = [.. InstanceRenderer.ImageMediaTypes.Select(t => new RenderedOutput(t, true))];

    public async Task HandleAsync(HttpContext http, RenderRequest request)
    {
        RenderParameters parameters;
        IReadOnlyList<int>? frameNumbers;
        try
        {
            parameters = RenderParameters.Parse(http.Request.Query, http.Request.Headers.Accept);
            frameNumbers = request.Frames is null ? null : FrameList.Parse(request.Frames);
        }
        catch (InvalidRenderParameterException e)
        {
            await RenderProblems.BadParameterAsync(http, e);
            return;
        }

        // One frame asked for as multipart/related gets a body of one part.
        var multipartFrame = !request.Thumbnail && frameNumbers is not null
            && parameters.Accept.Choose(s_single) is null && parameters.Accept.Choose(s_multipart) is not null;
        if (request.IsCollection || multipartFrame)
            await CollectionAsync(http, request, parameters, frameNumbers);
        else
            await SingleAsync(http, request, parameters, frameNumbers);
    }

    /// <summary>One picture: instance rendered (first frame), one frame rendered, or a thumbnail at any level.</summary>
    private async Task SingleAsync(HttpContext http, RenderRequest request, RenderParameters parameters, IReadOnlyList<int>? frameNumbers)
    {
        var cancellationToken = http.RequestAborted;
        var instance = request.Sop is not null
            ? await frames.FindInstanceAsync(request.Study, request.Series!, request.Sop, cancellationToken)
            : request.Series is not null
                ? await representatives.OfSeriesAsync(request.Study, request.Series, cancellationToken)
                : await representatives.OfStudyAsync(request.Study, cancellationToken);
        if (instance is null)
        {
            if (request.Sop is null && await images.ExistsAsync(request.Study, request.Series, cancellationToken))
                await NotAcceptableAsync(http, request, "no image", $"The {(request.Series is null ? "study" : "series")} holds no image to make a thumbnail of.");
            else
                await NotFoundAsync(http, request);
            return;
        }

        using var header = await frames.ReadHeaderAsync(instance, cancellationToken);
        if (!request.Thumbnail && frameNumbers is null && EncapsulatedDocuments.MediaTypeOf(header.Dataset) is { } documentType)
        {
            await DocumentAsync(http, request, parameters, instance, header, documentType);
            return;
        }

        PixelDescription image;
        try
        {
            image = PixelDescription.Read(header.Dataset);
        }
        catch (ImageNotRenderableException e)
        {
            await NotAcceptableAsync(http, request, "not renderable", e.Message);
            return;
        }

        var frameNumber = frameNumbers?[0] ?? 1;
        if (frameNumbers?.FirstOrDefault(n => n > image.NumberOfFrames) is > 0 and var missing)
        {
            await audit.RecordAsync(request.Action, request.Resource, AuditOutcome.Failed, "no such frame");
            await Problems.WriteAsync(http, StatusCodes.Status404NotFound, "Not Found",
                $"Instance {instance.SopInstanceUid} has {image.NumberOfFrames} frame(s); frame {missing} does not exist.");
            return;
        }

        if (parameters.Accept.Choose(s_single) is not { } output)
        {
            await NotAcceptableAsync(http, request, "not acceptable", $"This resource is available as {string.Join(" or ", InstanceRenderer.ImageMediaTypes)}.");
            return;
        }

        var etag = ETagOf(instance, request, frameNumber, parameters, output.MediaType);
        if (NotModified(http, etag))
        {
            await audit.RecordAsync(request.Action, request.Resource, AuditOutcome.Success, "not modified");
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        RenderedPicture picture;
        try
        {
            picture = await renderer.RenderAsync(instance, image, frameNumber, parameters, output.MediaType, request.Thumbnail, cancellationToken);
        }
        catch (InvalidRenderParameterException e)
        {
            await RenderProblems.BadParameterAsync(http, e);
            return;
        }
        catch (ImageNotRenderableException e)
        {
            await NotAcceptableAsync(http, request, "not renderable", e.Message);
            return;
        }

        await audit.RecordAsync(request.Action, request.Resource, AuditOutcome.Success,
            $"{instance.SopInstanceUid} frame {frameNumber} as {picture.MediaType}{(picture.PassedThrough ? " (stored JPEG)" : "")}");
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = picture.MediaType;
        response.ContentLength = picture.Bytes.Length;
        response.Headers.ETag = etag;
        SetCommonHeaders(http, parameters);
        await response.Body.WriteAsync(picture.Bytes, cancellationToken);
    }

    /// <summary>Study or series rendered (one part per image instance, its first frame), or several frames of one instance.</summary>
    private async Task CollectionAsync(HttpContext http, RenderRequest request, RenderParameters parameters, IReadOnlyList<int>? frameNumbers)
    {
        var cancellationToken = http.RequestAborted;
        var output = parameters.Accept.Choose(s_multipart)
            // A client that names only the picture type (image/jpeg) gets parts of that type.
            ?? (parameters.Accept.Choose(s_single) is { } single ? single with { Multipart = true } : null);

        IReadOnlyList<StoredInstanceRef> targets;
        if (request.Sop is not null)
        {
            var instance = await frames.FindInstanceAsync(request.Study, request.Series!, request.Sop, cancellationToken);
            if (instance is null)
            {
                await NotFoundAsync(http, request);
                return;
            }
            targets = [instance];
        }
        else
        {
            targets = await images.ListAsync(request.Study, request.Series, cancellationToken);
            if (targets.Count == 0)
            {
                if (await images.ExistsAsync(request.Study, request.Series, cancellationToken))
                    await NotAcceptableAsync(http, request, "no image", $"The {(request.Series is null ? "study" : "series")} holds no image to render.");
                else
                    await NotFoundAsync(http, request);
                return;
            }
        }

        if (output is null)
        {
            await NotAcceptableAsync(http, request, "not acceptable",
                $"This resource is available as multipart/related; type=\"{string.Join("\" or type=\"", InstanceRenderer.ImageMediaTypes)}\".");
            return;
        }

        var renderable = targets.Where(t => InstanceRenderer.MayRender(t.TransferSyntaxUid, output.MediaType)).ToList();
        if (renderable.Count == 0)
        {
            var syntaxes = string.Join(", ", targets.Select(t => t.TransferSyntaxUid).Distinct());
            await NotAcceptableAsync(http, request, "not renderable", $"No image here can be rendered by this server (stored as {syntaxes}).");
            return;
        }

        // Several frames of one instance: every frame must exist before the first part is sent.
        PixelDescription? frameImage = null;
        if (frameNumbers is not null)
        {
            using var header = await frames.ReadHeaderAsync(renderable[0], cancellationToken);
            try
            {
                frameImage = PixelDescription.Read(header.Dataset);
            }
            catch (ImageNotRenderableException e)
            {
                await NotAcceptableAsync(http, request, "not renderable", e.Message);
                return;
            }
            if (frameNumbers.FirstOrDefault(n => n > frameImage.NumberOfFrames) is > 0 and var missing)
            {
                await audit.RecordAsync(request.Action, request.Resource, AuditOutcome.Failed, "no such frame");
                await Problems.WriteAsync(http, StatusCodes.Status404NotFound, "Not Found",
                    $"Instance {request.Sop} has {frameImage.NumberOfFrames} frame(s); frame {missing} does not exist.");
                return;
            }
            if (parameters.Region is { } region && region.Resolve(frameImage.Columns, frameImage.Rows) is null)
            {
                await RenderProblems.BadParameterAsync(http, new InvalidRenderParameterException("viewport",
                    $"The source region sx,sy,sw,sh lies outside the {frameImage.Columns}×{frameImage.Rows} image."));
                return;
            }
        }

        await audit.RecordAsync(request.Action, request.Resource, AuditOutcome.Success,
            frameNumbers is null ? $"{renderable.Count} instance(s) as {output.MediaType}" : $"frames {request.Frames} as {output.MediaType}");
        var writer = new MultipartWriter(http.Response.Body);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = writer.GetContentType(output.MediaType);
        SetCommonHeaders(http, parameters);
        var urls = new DicomWebUrls(http.Request, http.Tenant().Slug);

        if (frameImage is not null)
        {
            var instance = renderable[0];
            foreach (var n in frameNumbers!)
            {
                var picture = await TryRenderAsync(instance, frameImage, n, parameters, output.MediaType, cancellationToken);
                if (picture is not null)
                    await WritePartAsync(writer, picture, $"{urls.Instance(request.Study, request.Series!, instance.SopInstanceUid)}/frames/{n}/rendered", cancellationToken);
            }
        }
        else
        {
            foreach (var instance in renderable)
            {
                PixelDescription image;
                using (var header = await frames.ReadHeaderAsync(instance, cancellationToken))
                {
                    try
                    {
                        image = PixelDescription.Read(header.Dataset);
                    }
                    catch (ImageNotRenderableException e)
                    {
                        logger.LogInformation("Rendered {Resource}: instance {Sop} left out: {Reason}", request.Resource, instance.SopInstanceUid, e.Message);
                        continue;
                    }
                }
                var picture = await TryRenderAsync(instance, image, 1, parameters, output.MediaType, cancellationToken);
                if (picture is not null)
                    await WritePartAsync(writer, picture, $"{urls.Instance(instance.StudyInstanceUid, instance.SeriesInstanceUid, instance.SopInstanceUid)}/rendered", cancellationToken);
            }
        }
        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>A part that cannot be rendered once the response has started is left out (and logged), not a broken body.</summary>
    private async Task<RenderedPicture?> TryRenderAsync(StoredInstanceRef instance, PixelDescription image, int frame, RenderParameters parameters, string mediaType, CancellationToken cancellationToken)
    {
        try
        {
            return await renderer.RenderAsync(instance, image, frame, parameters, mediaType, thumbnail: false, cancellationToken);
        }
        catch (Exception e) when (e is ImageNotRenderableException or InvalidRenderParameterException)
        {
            logger.LogInformation("Rendered: instance {Sop} frame {Frame} left out: {Reason}", instance.SopInstanceUid, frame, e.Message);
            return null;
        }
    }

    private static Task WritePartAsync(MultipartWriter writer, RenderedPicture picture, string location, CancellationToken cancellationToken)
    {
        var headers = new MultipartHeaders();
        headers.Set("Content-Type", picture.MediaType);
        headers.Set("Content-Location", location);
        return writer.WritePartAsync(headers, picture.Bytes, cancellationToken);
    }

    /// <summary>An Encapsulated Document instance rendered is its document (PDF, CDA…), streamed from the blob.</summary>
    private async Task DocumentAsync(HttpContext http, RenderRequest request, RenderParameters parameters, StoredInstanceRef instance, DicomFile header, string documentType)
    {
        if (parameters.Accept.Choose([new RenderedOutput(documentType, false)]) is null)
        {
            await NotAcceptableAsync(http, request, "not acceptable", $"This instance is an encapsulated document, available as {documentType}.");
            return;
        }
        var document = await documents.OpenAsync(instance, header, documentType, http.RequestAborted);
        await using var content = document.Content;
        await audit.RecordAsync(request.Action, request.Resource, AuditOutcome.Success, $"encapsulated document as {documentType}");
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = document.MediaType;
        http.Response.ContentLength = document.Length;
        SetCommonHeaders(http, parameters);
        await content.CopyToAsync(http.Response.Body, http.RequestAborted);
    }

    private static void SetCommonHeaders(HttpContext http, RenderParameters parameters)
    {
        var headers = http.Response.Headers;
        // Patient data behind a bearer token: browsers may keep it, shared caches must not; revalidate with the ETag.
        headers.CacheControl = "private, no-cache";
        headers.Vary = "Accept";
        var agent = http.Request.Host.Value ?? "drimcloud";
        foreach (var warning in parameters.Warnings)
            headers.Append("Warning", $"299 {agent} \"{warning.Replace("\"", "'", StringComparison.Ordinal)}\"");
    }

    private async Task NotFoundAsync(HttpContext http, RenderRequest request)
    {
        await audit.RecordAsync(request.Action, request.Resource, AuditOutcome.Failed, "not found");
        var what = request.Sop is not null
            ? $"No stored instance {request.Sop} in series {request.Series} of study {request.Study}."
            : request.Series is not null
                ? $"No stored series {request.Series} in study {request.Study}."
                : $"No stored study {request.Study}.";
        await Problems.WriteAsync(http, StatusCodes.Status404NotFound, "Not Found", what);
    }

    private async Task NotAcceptableAsync(HttpContext http, RenderRequest request, string reason, string detail)
    {
        await audit.RecordAsync(request.Action, request.Resource, AuditOutcome.Failed, reason);
        await Problems.WriteAsync(http, StatusCodes.Status406NotAcceptable, "Not Acceptable", detail);
    }

    /// <summary>
    /// Strong validator of one picture: the stored object (its row id, blob and size change when its content
    /// does), what was asked of it, and the output type. Lets a browser revalidate without a render.
    /// </summary>
    private static string ETagOf(StoredInstanceRef instance, RenderRequest request, int frame, RenderParameters parameters, string mediaType)
    {
        var key = string.Create(CultureInfo.InvariantCulture,
            $"r1|{instance.Id}|{instance.BlobKey}|{instance.SizeBytes}|{frame}|{request.Thumbnail}|{mediaType}|{parameters.Canonical}");
        return $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16))}\"";
    }

    private static bool NotModified(HttpContext http, string etag) =>
        http.Request.Headers.IfNoneMatch.Any(v => v is not null && (v.Contains(etag, StringComparison.Ordinal) || v.Trim() == "*"));
}
