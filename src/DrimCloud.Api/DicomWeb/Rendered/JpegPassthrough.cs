using System.Buffers.Binary;
using DrimCloud.Dicom;
using DrimCloud.Dicom.Imaging;

namespace DrimCloud.Api.DicomWeb.Rendered;

/// <summary>
/// A frame stored as JPEG Baseline (8-bit) already is a JPEG image a browser decodes: when nothing has to change
/// (no window, no region, the output size is the frame's size), it is sent as stored instead of being decoded
/// and encoded again. Only for photometric interpretations a JFIF decoder shows correctly: MONOCHROME2 and YBR_FULL(_422).
/// </summary>
public static class JpegPassthrough
{
    public const string JpegBaselineUid = "1.2.840.10008.1.2.4.50";

    /// <summary>True when the stored frame may be sent as the rendered JPEG.</summary>
    public static bool Applies(DicomTransferSyntax syntax, PixelDescription image, RenderParameters parameters, RenderOptions options) =>
        syntax.Uid == JpegBaselineUid
        && image.Photometric is PhotometricInterpretation.Monochrome2 or PhotometricInterpretation.YbrFull or PhotometricInterpretation.YbrFull422
        && !parameters.HasPresentationChanges
        && options.OutputSize(image.Columns, image.Rows) == (image.Columns, image.Rows);

    /// <summary>The frame's bytes up to its EOI marker (fragments are padded to an even length), or null if it is not a JPEG stream.</summary>
    public static ReadOnlyMemory<byte>? Codestream(ReadOnlyMemory<byte> frame)
    {
        var span = frame.Span;
        if (span.Length < 4 || BinaryPrimitives.ReadUInt16BigEndian(span) != 0xFFD8) return null;
        var end = span.Length;
        while (end > 2 && span[end - 1] == 0) end--;
        return span[(end - 2)..end].SequenceEqual(new byte[] { 0xFF, 0xD9 }) ? frame[..end] : null;
    }
}
