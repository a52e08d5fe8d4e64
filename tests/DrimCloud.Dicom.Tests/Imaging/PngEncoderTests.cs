using DrimCloud.Dicom.Imaging;
using DrimCloud.Dicom.Imaging.Png;
using DrimCloud.Dicom.Tests.Imaging.Support;

namespace DrimCloud.Dicom.Tests.Imaging;

public sealed class PngEncoderTests
{
    public static TheoryData<string> Pictures() => ["gray 1×1", "gray gradient 7×5", "rgb gradient 31×9", "gray noise 33×17", "rgb noise 20×20", "rgb uniform 64×3"];

    private static DisplayImage Picture(string name) => name switch
    {
        "gray 1×1" => TestPictures.Gray(1, 200),
        "gray gradient 7×5" => TestPictures.Gradient(7, 5, 1),
        "rgb gradient 31×9" => TestPictures.Gradient(31, 9, 3),
        "gray noise 33×17" => TestPictures.Noise(33, 17, 1, seed: 1),
        "rgb noise 20×20" => TestPictures.Noise(20, 20, 3, seed: 2),
        _ => TestPictures.Uniform(64, 3, 3, 77),
    };

    [SkippableTheory]
    [MemberData(nameof(Pictures))]
    public void Encodes_losslessly_and_libpng_reads_it(string name)
    {
        var picture = Picture(name);
        var png = PngEncoder.Encode(picture);
        LibPng.AssertValid(png);
        var decoded = PngReader.Read(png);
        Assert.Equal(0, PixelDifference.Between(picture, decoded).MaxAbsolute);
    }

    [SkippableFact]
    public void A_rendered_ct_slice_round_trips()
    {
        var rendered = SampleImage.Load("cwil/CTImage.dcm").Render();
        var png = PngEncoder.Encode(rendered);
        LibPng.AssertValid(png);
        Assert.Equal(0, PixelDifference.Between(rendered, PngReader.Read(png)).MaxAbsolute);
        Assert.True(png.Length < rendered.Pixels.Length / 2, $"filters + deflate should at least halve a CT slice, got {png.Length} bytes");
    }
}
