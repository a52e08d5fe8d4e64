namespace DrimCloud.Dicom.Imaging;

/// <summary>
/// One stored frame to a displayable 8-bit picture, following the order of PS3.18 §8.3.5.1: presentation (modality
/// and VOI transforms, or color conversion), then the source region, then the viewport. Works on one frame at a
/// time; the caller hands over the frame's bytes as stored.
/// </summary>
public static class FrameRenderer
{
    private const string EncapsulatedUncompressed = "1.2.840.10008.1.2.1.98";

    /// <summary>True for the encodings this library decodes: native pixel data, RLE Lossless, and encapsulated uncompressed.</summary>
    public static bool CanDecode(DicomTransferSyntax syntax) =>
        !syntax.IsEncapsulated || RleDecoder.IsRleLossless(syntax) || syntax.Uid == EncapsulatedUncompressed;

    /// <param name="image">The instance's pixel description.</param>
    /// <param name="syntax">The transfer syntax the frame is stored in.</param>
    /// <param name="frame">The frame's bytes as stored: native pixels, or the RLE-compressed frame.</param>
    /// <param name="frameNumber">1-based, to pick per-frame rescale and window values.</param>
    /// <param name="options">Window, region and size.</param>
    public static DisplayImage Render(PixelDescription image, DicomTransferSyntax syntax, ReadOnlySpan<byte> frame, int frameNumber, RenderOptions options)
    {
        if (!CanDecode(syntax))
            throw new ImageNotRenderableException($"Frames in {syntax.Name} cannot be decoded here.");

        var region = options.Region is { } requested
            ? requested.Resolve(image.Columns, image.Rows) ?? throw new ArgumentException("The source region lies outside the image.", nameof(options))
            : ResolvedRegion.Whole(image.Columns, image.Rows);

        var picture = RleDecoder.IsRleLossless(syntax)
            ? Present(DecodedRle(image), RleDecoder.Decode(frame, image), frameNumber, options)
            : Present(image, frame, frameNumber, options);

        var (width, height) = options.OutputSize(region.Width, region.Height);
        return Resampler.Resample(picture, region, width, height);
    }

    private static DisplayImage Present(PixelDescription image, ReadOnlySpan<byte> frame, int frameNumber, RenderOptions options) =>
        image.Photometric.IsGrayscale()
            ? GrayscaleRenderer.Render(image, frame, image.TransformOf(frameNumber), options.Window)
            : ColorRenderer.Render(image, frame);

    /// <summary>Decoded RLE is little endian with samples interleaved, whatever the stored attributes say.</summary>
    private static PixelDescription DecodedRle(PixelDescription image) =>
        image.IsBigEndian || image.PlanarConfiguration != 0 ? image.With(bigEndian: false, planarConfiguration: 0) : image;
}
