using DrimCloud.Dicom.Imaging;
using DrimCloud.Dicom.Tests.Imaging.Support;

namespace DrimCloud.Dicom.Tests.Imaging;

public sealed class ResamplerTests
{
    private static readonly DisplayImage s_four = TestPictures.Gray(4,
        0, 10, 20, 30,
        40, 50, 60, 70,
        80, 90, 100, 110,
        120, 130, 140, 150);

    [Fact]
    public void Halving_averages_each_two_by_two_square()
    {
        var half = Resampler.Resample(s_four, ResolvedRegion.Whole(4, 4), 2, 2);
        Assert.Equal(new byte[] { 25, 45, 105, 125 }, half.Pixels);
    }

    [Fact]
    public void Shrinking_by_a_non_integer_factor_weighs_partly_covered_pixels()
    {
        // 3 → 2: output 0 covers source [0, 1.5): (0 + 10 + 10) / 1.5 * … = 0·⅔ + 10·⅓ on the first row.
        var row = TestPictures.Gray(3, 0, 30, 90);
        var shrunk = Resampler.Resample(row, ResolvedRegion.Whole(3, 1), 2, 1);
        Assert.Equal(new byte[] { 10, 70 }, shrunk.Pixels);
    }

    [Fact]
    public void A_negative_region_width_flips_horizontally()
    {
        var region = new SourceRegion(4, 0, -4, null).Resolve(4, 4)!.Value;
        var flipped = Resampler.Resample(s_four, region, 4, 4);
        Assert.Equal(new byte[] { 30, 20, 10, 0 }, flipped.Pixels[..4]);
    }

    [Fact]
    public void A_region_crops()
    {
        var region = new SourceRegion(1, 2, 2, 2).Resolve(4, 4)!.Value;
        var cropped = Resampler.Resample(s_four, region, 2, 2);
        Assert.Equal(new byte[] { 90, 100, 130, 140 }, cropped.Pixels);
    }

    [Fact]
    public void A_region_outside_the_image_resolves_to_nothing()
    {
        Assert.Null(new SourceRegion(10, 0, 5, 5).Resolve(4, 4));
        Assert.Equal(new ResolvedRegion(2, 0, 2, 4, false, false), new SourceRegion(2, 0, 100, null).Resolve(4, 4));
    }

    [Fact]
    public void Enlarging_a_uniform_picture_keeps_it_uniform()
    {
        var big = Resampler.Resample(TestPictures.Uniform(3, 2, 3, 99), ResolvedRegion.Whole(3, 2), 12, 8);
        Assert.Equal((12, 8), (big.Width, big.Height));
        Assert.All(big.Pixels, p => Assert.Equal(99, p));
    }

    [Theory]
    [InlineData(512, 256, 256, 256, null, 256, 128)]   // viewport fits the longer side
    [InlineData(16, 16, 256, 256, null, 256, 256)]     // a viewport enlarges
    [InlineData(16, 16, null, null, 256, 16, 16)]      // a thumbnail never enlarges
    [InlineData(1368, 1350, null, null, 256, 256, 253)]
    [InlineData(300, 100, null, 50, null, 150, 50)]    // only vh given
    [InlineData(300, 100, null, null, null, 300, 100)]
    public void Output_size_keeps_the_aspect_ratio(int w, int h, int? vw, int? vh, int? max, int expectedW, int expectedH)
    {
        var options = new RenderOptions { ViewportWidth = vw, ViewportHeight = vh, MaxSize = max };
        Assert.Equal((expectedW, expectedH), options.OutputSize(w, h));
    }

    [SkippableFact]
    public void A_ct_thumbnail_is_close_to_dcmtks_scaled_rendering()
    {
        var sample = SampleImage.Load("cwil/CTImage.dcm");
        var ours = sample.Render(options: new RenderOptions { MaxSize = 256 });
        var reference = DcmtkImaging.Render(sample.Path, "+Wi", "1", "+Sxv", "256");
        var difference = PixelDifference.Between(reference, ours);
        // Different filters (area average here, DCMTK's own interpolation there): close, not identical.
        Assert.True(difference.MeanAbsolute < 2 && difference.PeakSignalToNoise > 35, difference.ToString());
    }
}
