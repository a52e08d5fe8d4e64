using DrimCloud.Api.DicomWeb.Rendered;
using DrimCloud.Dicom.Imaging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace DrimCloud.Api.Tests.Rendered;

public sealed class RenderParametersTests
{
    private static RenderParameters Parse(string query, string? accept = null) =>
        RenderParameters.Parse(new QueryCollection(QueryHelpers.ParseQuery(query)), accept is null ? StringValues.Empty : new StringValues(accept));

    private static string FailingParameter(string query, string? accept = null) =>
        Assert.Throws<InvalidRenderParameterException>(() => Parse(query, accept)).Parameter;

    private static readonly RenderedOutput[] s_images = [new("image/jpeg", false), new("image/png", false)];

    [Fact]
    public void Window_takes_center_width_and_an_optional_function()
    {
        Assert.Equal(new VoiWindow(40, 400), Parse("?window=40,400").Window);
        Assert.Equal(new VoiWindow(-600.5, 1500, VoiFunction.Linear), Parse("?window=-600.5,1500,linear").Window);
        Assert.Equal(new VoiWindow(40, 400, VoiFunction.LinearExact), Parse("?window=40,400,LINEAR-EXACT").Window);
        Assert.Equal(new VoiWindow(40, 0.5, VoiFunction.Sigmoid), Parse("?window=40,0.5,sigmoid").Window);
        Assert.Null(Parse("").Window);
    }

    [Theory]
    [InlineData("?window=40")]
    [InlineData("?window=40,400,linear,extra")]
    [InlineData("?window=a,400")]
    [InlineData("?window=40,0.5")] // linear needs a width of at least 1
    [InlineData("?window=40,-1,sigmoid")]
    [InlineData("?window=NaN,400")]
    [InlineData("?window=1e400,400")]
    [InlineData("?window=40,400,gamma")]
    [InlineData("?window=1,2&window=3,4")]
    public void Bad_windows_name_window(string query) => Assert.Equal("window", FailingParameter(query));

    [Fact]
    public void Viewport_gives_a_size_and_optionally_a_source_region()
    {
        var size = Parse("?viewport=256,128");
        Assert.Equal((256, 128), (size.ViewportWidth, size.ViewportHeight));
        Assert.Null(size.Region);
        var widthOnly = Parse("?viewport=256,");
        Assert.Equal((256, (int?)null), (widthOnly.ViewportWidth, widthOnly.ViewportHeight));
        var region = Parse("?viewport=100,100,10,20,30,40");
        Assert.Equal(new SourceRegion(10, 20, 30, 40), region.Region);
        Assert.Equal(new SourceRegion(0, 0, null, null), Parse("?viewport=100,100,,,,").Region);
        Assert.Equal(new SourceRegion(50, 60, -30, -40), Parse("?viewport=100,100,50,60,-30,-40").Region); // flipped
    }

    [Theory]
    [InlineData("?viewport=,")]
    [InlineData("?viewport=0,100")]
    [InlineData("?viewport=100,5000")]
    [InlineData("?viewport=100")]
    [InlineData("?viewport=100,100,1")]
    [InlineData("?viewport=100,100,-1,0,10,10")]
    [InlineData("?viewport=100,100,0,0,0,10")]
    [InlineData("?viewport=1.5,100")]
    [InlineData("?viewport=99999999999,1")]
    public void Bad_viewports_name_viewport(string query) => Assert.Equal("viewport", FailingParameter(query));

    [Fact]
    public void Quality_is_1_to_100_and_annotation_is_refused()
    {
        Assert.Equal(75, Parse("?quality=75").Quality);
        Assert.Equal("quality", FailingParameter("?quality=0"));
        Assert.Equal("quality", FailingParameter("?quality=101"));
        Assert.Equal("quality", FailingParameter("?quality=+50"));
        Assert.Equal("annotation", FailingParameter("?annotation=patient"));
        Assert.Equal("annotation", FailingParameter("?annotation=patient,technique"));
        Assert.Equal("annotation", FailingParameter("?annotation=everything"));
    }

    [Fact]
    public void What_is_accepted_but_not_applied_becomes_a_warning()
    {
        Assert.Single(Parse("?iccprofile=srgb").Warnings);
        Assert.Empty(Parse("?iccprofile=no&charset=utf-8").Warnings);
        Assert.Contains("token", Assert.Single(Parse("?token=abc").Warnings), StringComparison.Ordinal);
        Assert.Equal("iccprofile", FailingParameter("?iccprofile=cmyk"));
    }

    [Fact]
    public void The_accept_parameter_wins_over_the_header_and_is_strict()
    {
        Assert.Equal("image/png", Parse("?accept=image/png", "image/jpeg").Accept.Choose(s_images)?.MediaType);
        Assert.Equal("image/jpeg", Parse("", "image/png;q=0.5, image/jpeg").Accept.Choose(s_images)?.MediaType);
        Assert.Equal("accept", FailingParameter("?accept=png"));
        Assert.Equal("accept", FailingParameter("?accept=image/png;q=2"));
        // A header with junk keeps what parses, and a header of only junk means "anything".
        Assert.Equal("image/png", Parse("", "png, image/png").Accept.Choose(s_images)?.MediaType);
        Assert.True(Parse("", "*, ;;").Accept.IsUnrestricted);
    }

    [Fact]
    public void Accept_picks_the_best_quality_and_the_most_specific_range()
    {
        static string? Choose(string accept, bool multipart = false)
        {
            Assert.True(AcceptedMediaTypes.TryParse([accept], lenient: false, out var accepted, out var error), error);
            RenderedOutput[] candidates = [new("image/jpeg", multipart), new("image/png", multipart)];
            return accepted.Choose(candidates) is { } c ? $"{c.MediaType}{(c.Multipart ? " (multipart)" : "")}" : null;
        }

        Assert.Equal("image/jpeg", Choose("*/*"));
        Assert.Equal("image/png", Choose("image/jpeg;q=0.5, image/png"));
        Assert.Equal("image/jpeg", Choose("image/png;q=0.1, image/*"));
        Assert.Equal("image/png", Choose("image/jpeg;q=0, */*"));
        Assert.Null(Choose("image/gif, application/dicom"));
        Assert.Null(Choose("image/*;q=0"));
        Assert.Equal("image/png (multipart)", Choose("multipart/related; type=\"image/png\"", multipart: true));
        Assert.Equal("image/png (multipart)", Choose("multipart/related; type=image/png", multipart: true));
        Assert.Equal("image/jpeg (multipart)", Choose("multipart/related", multipart: true));
        Assert.Null(Choose("multipart/related; type=\"application/dicom\"", multipart: true));
        Assert.Null(Choose("image/jpeg", multipart: true));
    }

    [Fact]
    public void Frame_lists_are_comma_separated_numbers_from_1()
    {
        Assert.Equal([1, 5, 10], FrameList.Parse("1,5,10"));
        Assert.Equal([3], FrameList.Parse(" 3 "));
        foreach (var bad in new[] { "", "0", "-1", "1,,2", "a", "1.5", "+2", "99999999999", string.Join(',', Enumerable.Repeat("1", FrameList.MaxFrames + 1)) })
            Assert.Equal("frames", Assert.Throws<InvalidRenderParameterException>(() => FrameList.Parse(bad)).Parameter);
    }

    /// <summary>
    /// Property: whatever a client sends in any rendered parameter, the Accept header or the frame list, parsing
    /// either succeeds or throws <see cref="InvalidRenderParameterException"/> naming a parameter; never anything else.
    /// </summary>
    [Fact]
    public void Random_input_only_ever_yields_a_typed_parse_error()
    {
        const string alphabet = "0123456789,,,--..+eE ;=\"'/*qQ\t\\%abcilnrstwxyzé\u0000\u2028";
        string[] names = ["window", "viewport", "quality", "annotation", "iccprofile", "accept", "charset", "frames"];
        var random = new Random(20261128);
        string RandomText(int maxLength)
        {
            var chars = new char[random.Next(maxLength + 1)];
            for (var i = 0; i < chars.Length; i++)
                chars[i] = random.Next(10) == 0 ? (char)random.Next(char.MaxValue) : alphabet[random.Next(alphabet.Length)];
            return new string(chars);
        }

        for (var run = 0; run < 20_000; run++)
        {
            var query = new Dictionary<string, StringValues>();
            for (var p = random.Next(4); p > 0; p--)
            {
                var name = names[random.Next(names.Length)];
                query[name] = random.Next(8) == 0 ? new StringValues([RandomText(20), RandomText(20)]) : new StringValues(RandomText(30));
            }
            var header = random.Next(3) == 0 ? StringValues.Empty : new StringValues(RandomText(60));
            try
            {
                var parsed = RenderParameters.Parse(new QueryCollection(query), header);
                parsed.Accept.Choose(s_images);
                parsed.ToOptions(128).OutputSize(512, 512);
                _ = parsed.Canonical;
            }
            catch (InvalidRenderParameterException e)
            {
                Assert.Contains(e.Parameter, names);
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
            }

            try
            {
                FrameList.Parse(RandomText(12));
            }
            catch (InvalidRenderParameterException e)
            {
                Assert.Equal("frames", e.Parameter);
            }
        }
    }
}
