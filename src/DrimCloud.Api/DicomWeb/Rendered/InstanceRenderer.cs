using DrimCloud.Api.DicomWeb.Retrieve;
using DrimCloud.Dicom;
using DrimCloud.Dicom.Imaging;
using DrimCloud.Dicom.Imaging.Jpeg;
using DrimCloud.Dicom.Imaging.Png;

namespace DrimCloud.Api.DicomWeb.Rendered;

/// <summary>An encoded picture ready to send.</summary>
public sealed record RenderedPicture(byte[] Bytes, string MediaType, bool PassedThrough);

/// <summary>
/// One frame of a stored image to a JPEG or PNG: the frame is read by byte ranges, presented (window, rescale,
/// color), cut and scaled, then encoded, all inside a <see cref="RenderingThrottle"/> slot. A JPEG Baseline frame
/// that needs no change is sent as stored.
/// </summary>
public sealed class InstanceRenderer(StoredFrameReader frames, RenderingThrottle throttle)
{
    /// <summary>Thumbnails fit in a square of this side unless the client gives a viewport.</summary>
    public const int ThumbnailSize = 128;

    public static readonly string[] ImageMediaTypes = [JpegEncoder.MediaType, PngEncoder.MediaType];

    /// <summary>True when frames in this encoding can be rendered to <paramref name="mediaType"/> (passthrough depends on more, see <see cref="JpegPassthrough"/>).</summary>
    public static bool MayRender(string transferSyntaxUid, string mediaType) =>
        FrameRenderer.CanDecode(DicomTransferSyntax.FromUid(transferSyntaxUid))
        || (transferSyntaxUid == JpegPassthrough.JpegBaselineUid && mediaType == JpegEncoder.MediaType);

    /// <exception cref="ImageNotRenderableException">The frame cannot be decoded or is not there.</exception>
    /// <exception cref="InvalidRenderParameterException">The requested source region lies outside the image.</exception>
    public async Task<RenderedPicture> RenderAsync(StoredInstanceRef instance, PixelDescription image, int frameNumber,
        RenderParameters parameters, string mediaType, bool thumbnail, CancellationToken cancellationToken)
    {
        var syntax = DicomTransferSyntax.FromUid(instance.TransferSyntaxUid);
        var options = parameters.ToOptions(thumbnail ? ThumbnailSize : null);
        if (options.Region is { } region && region.Resolve(image.Columns, image.Rows) is null)
            throw new InvalidRenderParameterException("viewport", $"The source region sx,sy,sw,sh lies outside the {image.Columns}×{image.Rows} image.");

        // A thumbnail without a viewport is the server's choice of size: the stored JPEG is a fine one when it
        // cannot be decoded here to be made smaller.
        var passthroughOptions = thumbnail && !options.HasViewport ? options with { MaxSize = null } : options;
        var passthrough = mediaType == JpegEncoder.MediaType && JpegPassthrough.Applies(syntax, image, parameters, passthroughOptions);
        if (!passthrough && !FrameRenderer.CanDecode(syntax))
        {
            throw new ImageNotRenderableException(syntax.Uid == JpegPassthrough.JpegBaselineUid
                ? $"JPEG Baseline frames ({image.Photometric}) are only sent as stored, as image/jpeg without window, region or resizing; this server does not decode them."
                : $"Frames stored as {syntax.Name} ({syntax.Uid}) cannot be rendered by this server; retrieve them in their original encoding (frames with transfer-syntax=*).");
        }

        using var slot = await throttle.EnterAsync(cancellationToken);
        using var frame = await frames.ReadAsync(instance, image, frameNumber, cancellationToken)
            ?? throw new ImageNotRenderableException($"Frame {frameNumber} of instance {instance.SopInstanceUid} could not be read.");
        if (passthrough)
        {
            var codestream = JpegPassthrough.Codestream(frame.Memory)
                ?? throw new ImageNotRenderableException("The stored JPEG Baseline frame is not a complete JPEG stream.");
            return new RenderedPicture(codestream.ToArray(), JpegEncoder.MediaType, PassedThrough: true);
        }

        var picture = FrameRenderer.Render(image, syntax, frame.Span, frameNumber, options);
        var bytes = mediaType == PngEncoder.MediaType
            ? PngEncoder.Encode(picture)
            : JpegEncoder.Encode(picture, parameters.Quality ?? JpegEncoder.DefaultQuality);
        return new RenderedPicture(bytes, mediaType, PassedThrough: false);
    }
}
