using DrimCloud.Dicom.Imaging;
using DrimCloud.Dicom.Imaging.Jpeg;
using DrimCloud.Dicom.Tests.Imaging.Support;

namespace DrimCloud.Dicom.Tests.Imaging;

/// <summary>Our JPEGs decoded by DCMTK's IJG decoder (img2dcm + dcmj2pnm), compared with what was encoded.</summary>
public sealed class JpegEncoderTests
{
    [SkippableFact]
    public void Grayscale_ct_slice_decodes_close_to_the_original()
    {
        var rendered = SampleImage.Load("cwil/CTImage.dcm").Render();
        var jpeg = JpegEncoder.Encode(rendered, quality: 90);
        Assert.Equal((512, 512, 1), PngReader.JpegFrameHeader(jpeg));
        var difference = PixelDifference.Between(rendered, DcmtkImaging.DecodeJpeg(jpeg));
        Assert.True(difference.PeakSignalToNoise >= 40, difference.ToString());
    }

    [SkippableFact]
    public void Color_ultrasound_decodes_close_to_the_original()
    {
        var rendered = SampleImage.Load("dwv/gdcm-US-RGB-8-esopecho.dcm").Render();
        var jpeg = JpegEncoder.Encode(rendered, quality: 90);
        Assert.Equal((256, 120, 3), PngReader.JpegFrameHeader(jpeg));
        var difference = PixelDifference.Between(rendered, DcmtkImaging.DecodeJpeg(jpeg));
        Assert.True(difference.PeakSignalToNoise >= 35, difference.ToString());
    }

    [SkippableTheory]
    [InlineData(13, 7, 1)]
    [InlineData(9, 17, 3)]
    [InlineData(1, 1, 3)]
    public void Sizes_that_are_not_multiples_of_eight_decode_to_the_same_size(int width, int height, int channels)
    {
        var picture = TestPictures.Gradient(width, height, channels);
        var difference = PixelDifference.Between(picture, DcmtkImaging.DecodeJpeg(JpegEncoder.Encode(picture, 95)));
        Assert.True(difference.PeakSignalToNoise >= 30, difference.ToString());
    }

    [SkippableFact]
    public void A_uniform_picture_uses_degenerate_huffman_tables_and_still_decodes()
    {
        // Only one DC symbol and only EOB for AC: each table has a single code.
        var picture = TestPictures.Uniform(32, 24, 1, 93);
        var difference = PixelDifference.Between(picture, DcmtkImaging.DecodeJpeg(JpegEncoder.Encode(picture)));
        Assert.True(difference.MaxAbsolute <= 1, difference.ToString());
    }

    [SkippableFact]
    public void Noise_exercises_long_codes_and_ff_stuffing()
    {
        var picture = TestPictures.Noise(64, 48, 3, seed: 7);
        var difference = PixelDifference.Between(picture, DcmtkImaging.DecodeJpeg(JpegEncoder.Encode(picture, 100)));
        Assert.True(difference.PeakSignalToNoise >= 30, difference.ToString());
    }

    [SkippableFact]
    public void Lower_quality_gives_smaller_files()
    {
        var rendered = SampleImage.Load("cwil/CTImage.dcm").Render();
        Assert.True(JpegEncoder.Encode(rendered, 30).Length < JpegEncoder.Encode(rendered, 95).Length);
    }
}
