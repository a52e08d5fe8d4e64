using DrimCloud.Api.DicomWeb.Retrieve;
using DrimCloud.Data;
using DrimCloud.Dicom;
using DrimCloud.Dicom.Imaging;
using DrimCloud.Storage;

namespace DrimCloud.Api.DicomWeb.Rendered;

/// <summary>
/// Loads one frame of a stored instance for rendering: by its byte ranges from the frame index (no parse), or,
/// for instances whose frames cannot be located by position (deflated data sets, bit-packed frames), by parsing
/// that one instance (<see cref="FallbackFrames"/>). Only one frame is held, and never more than <see cref="MaxFrameBytes"/>.
/// </summary>
public sealed class StoredFrameReader(IFrameSource frames, IBlobStore blobs, ITenantContext tenant)
{
    public const long MaxFrameBytes = 256L * 1024 * 1024;

    /// <summary>The frame's stored bytes, or null when the instance has no such frame.</summary>
    /// <exception cref="ImageNotRenderableException">The frame is too large to render.</exception>
    public async Task<FrameBuffer?> ReadAsync(StoredInstanceRef instance, PixelDescription image, int frameNumber, CancellationToken cancellationToken)
    {
        if (frameNumber < 1 || frameNumber > image.NumberOfFrames) return null;
        if (instance.FrameIndex is null)
        {
            // The fallback reads the whole pixel data value of the instance: bound it, not just the frame.
            if (image.NativeFrameLength * image.NumberOfFrames > MaxFrameBytes)
                throw new ImageNotRenderableException("The instance is too large to render without a frame index.");
            var container = BlobNames.ContainerFor(tenant.TenantId ?? throw new InvalidOperationException("No tenant."));
            await using var fallback = await FallbackFrames.ReadAsync(blobs, container, instance, frameNumber, cancellationToken);
            return fallback.Length == 0 ? null : await FrameBuffer.ReadAsync(fallback, fallback.Length, cancellationToken);
        }

        var index = FrameIndex.Deserialize(instance.FrameIndex);
        if (frameNumber > index.Frames.Count) return null;
        var length = index.LengthOf(frameNumber - 1);
        if (length > MaxFrameBytes) throw new ImageNotRenderableException($"The frame is too large to render ({length} bytes).");

        await using var stream = await frames.OpenFrameAsync(instance, frameNumber, cancellationToken);
        return stream is null ? null : await FrameBuffer.ReadAsync(stream, length, cancellationToken);
    }
}
