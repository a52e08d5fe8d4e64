using BenchmarkDotNet.Attributes;
using DrimCloud.Dicom;
using DrimCloud.Dicom.Imaging;
using DrimCloud.Dicom.Imaging.Jpeg;
using DrimCloud.Dicom.Imaging.Png;

namespace DrimCloud.Benchmarks;

/// <summary>
/// WADO-RS rendered and thumbnail work for one frame of the real 512×512 CT slice (cwil/CTImage.dcm, signed 16-bit,
/// rescale, window 40/400): the frame bytes are in memory, as the API holds them after its range read, so this is
/// the CPU cost of one render (what <c>RenderingThrottle</c> admits one per core).
/// </summary>
[MemoryDiagnoser]
public class RenderingBenchmarks
{
    private PixelDescription _image = null!;
    private byte[] _frame = [];
    private DicomTransferSyntax _syntax = null!;

    [GlobalSetup]
    public void Setup()
    {
        using var file = DicomFile.Open(BenchmarkData.CtSlice);
        _image = PixelDescription.Read(file.Dataset);
        _frame = file.Dataset[DicomTag.PixelData].ReadValue();
        _syntax = file.TransferSyntax;
    }

    /// <summary>Window, rescale and 8-bit conversion only.</summary>
    [Benchmark]
    public int Present() => FrameRenderer.Render(_image, _syntax, _frame, 1, new RenderOptions()).Pixels.Length;

    /// <summary>…/rendered with Accept: image/jpeg (quality 90, the default).</summary>
    [Benchmark]
    public int RenderedJpeg() => JpegEncoder.Encode(FrameRenderer.Render(_image, _syntax, _frame, 1, new RenderOptions())).Length;

    /// <summary>…/rendered with Accept: image/png.</summary>
    [Benchmark]
    public int RenderedPng() => PngEncoder.Encode(FrameRenderer.Render(_image, _syntax, _frame, 1, new RenderOptions())).Length;

    /// <summary>…/thumbnail: fitted into 128×128, JPEG.</summary>
    [Benchmark]
    public int ThumbnailJpeg() => JpegEncoder.Encode(FrameRenderer.Render(_image, _syntax, _frame, 1, new RenderOptions { MaxSize = 128 })).Length;
}
