using System.Net;
using System.Net.Http.Headers;
using DrimCloud.Dicom.Multipart;
using DrimCloud.Dicom.Network.Tests.Infrastructure;

namespace DrimCloud.Dicom.Network.Tests.Interop;

/// <summary>Orthanc as the PACS: our C-STORE, C-FIND, C-MOVE and C-GET against it, and its DICOMweb multipart bodies.</summary>
public class OrthancTests(OrthancFixture fixture) : IClassFixture<OrthancFixture>
{
    private static string Read(string path, DicomTag tag)
    {
        using var file = DicomFile.Open(path, new DicomReadOptions { StopBeforeTag = DicomTag.PixelData });
        return file.Dataset.GetString(tag)!.Trim().TrimEnd('\0');
    }

    private static DicomDataset Identifier(string level, params (DicomTag Tag, DicomVR VR, string Value)[] keys)
    {
        var identifier = new DicomDataset();
        identifier.SetString(DicomTags.QueryRetrieveLevel, DicomVR.CS, level);
        foreach (var (tag, vr, value) in keys)
            identifier.SetString(tag, vr, value);
        return identifier;
    }

    [SkippableFact]
    public async Task Our_store_reaches_orthanc_intact()
    {
        fixture.Require();
        var dcmdump = TestEnvironment.RequireTool("dcmdump", "dcmtk");
        var files = Corpus.StorableByDcmtk().Where(f => !f.Path.Contains("dicomdirtests", StringComparison.Ordinal)).ToList();
        var items = files.Select(f => DicomStoreItem.FromFile(f.Path)).ToList();
        var proposal = new AssociationProposal();
        Assert.Empty(proposal.AddStorage(items));

        await using (var association = await DicomClient.ConnectAsync(fixture.Orthanc.Client(), proposal))
        {
            foreach (var item in items)
            {
                var result = await association.StoreAsync(item);
                Assert.True(result.IsSuccess, result.ToString());
            }
            await association.ReleaseAsync();
        }

        // Orthanc re-serialises what it stores, so "intact" is checked element by element with dcmdump.
        using var scratch = new TempDirectory();
        using var parallel = new SemaphoreSlim(4);
        await Task.WhenAll(items.Select(async item =>
        {
            await parallel.WaitAsync();
            try
            {
                var id = await fixture.Orthanc.FindInstanceAsync(item.SopInstanceUid);
                Assert.True(id is not null, $"{item.SourcePath} not in Orthanc");
                var stored = scratch.Combine(id + ".dcm");
                await File.WriteAllBytesAsync(stored, await fixture.Orthanc.GetInstanceFileAsync(id));
                Assert.Equal(await DumpAsync(dcmdump, item.SourcePath!), await DumpAsync(dcmdump, stored));
                Assert.True(PixelDataOf(item.SourcePath!).AsSpan().SequenceEqual(PixelDataOf(stored)), $"{item.SourcePath}: pixel data differs");
            }
            finally
            {
                parallel.Release();
            }
        }));
    }

    /// <summary>Native pixel data bytes (dcmdump abbreviates long values); empty when absent or encapsulated.</summary>
    private static byte[] PixelDataOf(string path)
    {
        using var file = DicomFile.Open(path);
        return file.Dataset.TryGetElement(DicomTag.PixelData, out var pixels) && pixels.Fragments is null ? pixels.ReadValue() : [];
    }

    private static readonly System.Text.RegularExpressions.Regex GroupLength = new(@"^\s*\([0-9a-f]{4},0000\)");

    /// <summary>
    /// dcmdump of the dataset (values up to dcmdump's display limit), minus what a re-encoding may legitimately change: the meta
    /// group, command and group length elements (Orthanc drops them), length comments, and whether sequences and items have explicit or undefined lengths.
    /// </summary>
    private static async Task<string> DumpAsync(string dcmdump, string path)
    {
        var (exitCode, output) = await PeerProcess.RunAsync(dcmdump, ["-q", path], TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 0, output);
        var lines = output.Split('\n')
            .Where(line => !line.StartsWith("(0002,", StringComparison.Ordinal) && !line.StartsWith("(0000,", StringComparison.Ordinal)
                && !line.Contains("DelimitationItem", StringComparison.Ordinal) && !GroupLength.IsMatch(line))
            .Select(line => line.Contains('#', StringComparison.Ordinal) ? line[..line.LastIndexOf('#')].TrimEnd() : line.TrimEnd())
            .Select(line => System.Text.RegularExpressions.Regex.Replace(line, @"\((Sequence|Item) with (undefined|explicit) length #=\d+\)", "($1)"));
        return string.Join('\n', lines);
    }

    [SkippableFact]
    public async Task Find_against_orthanc_returns_the_matches_at_each_level()
    {
        fixture.Require();
        var proposal = new AssociationProposal()
            .Add(WellKnownUids.StudyRootFind, KnownTransferSyntaxes.ExplicitVRLittleEndian)
            .Add(WellKnownUids.PatientRootFind, KnownTransferSyntaxes.ImplicitVRLittleEndian);
        await using var association = await DicomClient.ConnectAsync(fixture.Orthanc.Client(), proposal);
        var hierarchy = fixture.Hierarchy;
        var study = Read(hierarchy[0], DicomTags.StudyInstanceUID);

        var patients = await association.FindAsync(WellKnownUids.PatientRootFind,
            Identifier(QueryRetrieveLevel.Patient, (DicomTags.PatientID, DicomVR.LO, ""), (DicomTags.PatientName, DicomVR.PN, ""))).ToListAsync();
        var studies = await association.FindAsync(WellKnownUids.StudyRootFind,
            Identifier(QueryRetrieveLevel.Study, (DicomTags.StudyInstanceUID, DicomVR.UI, ""), (DicomTags.PatientID, DicomVR.LO, ""))).ToListAsync();
        var series = await association.FindAsync(WellKnownUids.StudyRootFind,
            Identifier(QueryRetrieveLevel.Series, (DicomTags.StudyInstanceUID, DicomVR.UI, study), (DicomTags.SeriesInstanceUID, DicomVR.UI, ""), (DicomTags.Modality, DicomVR.CS, ""))).ToListAsync();
        var images = await association.FindAsync(WellKnownUids.StudyRootFind,
            Identifier(QueryRetrieveLevel.Image, (DicomTags.StudyInstanceUID, DicomVR.UI, study), (DicomTags.SeriesInstanceUID, DicomVR.UI, ""), (DicomTags.SOPInstanceUID, DicomVR.UI, ""))).ToListAsync();

        string Value(DicomDataset d, DicomTag t) => d.GetString(t)!.Trim().TrimEnd('\0');
        // Orthanc also holds the instances other tests store, so expectations are "at least these" where it matters.
        Assert.Superset(hierarchy.Select(f => Read(f, DicomTags.PatientID)).ToHashSet(), patients.Select(p => Value(p, DicomTags.PatientID)).ToHashSet());
        Assert.Superset(hierarchy.Select(f => Read(f, DicomTags.StudyInstanceUID)).ToHashSet(), studies.Select(s => Value(s, DicomTags.StudyInstanceUID)).ToHashSet());
        Assert.Equal(hierarchy.Where(f => Read(f, DicomTags.StudyInstanceUID) == study).Select(f => Read(f, DicomTags.SeriesInstanceUID)).Distinct().Order(),
            series.Select(s => Value(s, DicomTags.SeriesInstanceUID)).Order());
        Assert.Equal(hierarchy.Where(f => Read(f, DicomTags.StudyInstanceUID) == study).Select(f => Read(f, DicomTags.SOPInstanceUID)).Order(),
            images.Select(s => Value(s, DicomTags.SOPInstanceUID)).Order());
    }

    [SkippableFact]
    public async Task Move_from_orthanc_delivers_the_study_to_our_listener()
    {
        fixture.Require();
        var proposal = new AssociationProposal().Add(WellKnownUids.StudyRootMove, KnownTransferSyntaxes.ExplicitVRLittleEndian);
        await using var association = await DicomClient.ConnectAsync(fixture.Orthanc.Client(), proposal);
        var study = Read(fixture.Hierarchy[^1], DicomTags.StudyInstanceUID);
        var expected = fixture.Hierarchy.Where(f => Read(f, DicomTags.StudyInstanceUID) == study).ToList();

        var result = await association.MoveAsync(WellKnownUids.StudyRootMove, "DRIMDEST", Identifier(QueryRetrieveLevel.Study, (DicomTags.StudyInstanceUID, DicomVR.UI, study)));

        // Other tests may add instances to the same study in Orthanc: at least these, and no failure.
        Assert.True(result.IsSuccess, result.ToString());
        Assert.True(result.Completed >= expected.Count, result.ToString());
        await AssertSameAsOrthancAsync(expected, uid => fixture.DestinationStorage.PathFor(uid));
    }

    [SkippableFact]
    public async Task Get_from_orthanc_streams_the_series_to_our_handler()
    {
        fixture.Require();
        using var target = new TempDirectory();
        var storage = new DicomFolderStorageHandler(target.Path, new DicomFolderStorageOptions { Fsync = false });
        var series = Read(fixture.Hierarchy[0], DicomTags.SeriesInstanceUID);
        var expected = fixture.Hierarchy.Where(f => Read(f, DicomTags.SeriesInstanceUID) == series).ToList();
        var proposal = new AssociationProposal().Add(WellKnownUids.StudyRootGet, KnownTransferSyntaxes.ExplicitVRLittleEndian);
        proposal.AddRetrieveStorage(expected.Select(f => Read(f, DicomTags.SOPClassUID)).Distinct(), [KnownTransferSyntaxes.ExplicitVRLittleEndian, KnownTransferSyntaxes.ImplicitVRLittleEndian]);
        await using var association = await DicomClient.ConnectAsync(fixture.Orthanc.Client(), proposal);

        var result = await association.GetAsync(WellKnownUids.StudyRootGet, Identifier(QueryRetrieveLevel.Series, (DicomTags.SeriesInstanceUID, DicomVR.UI, series)), storage);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.True(result.Completed >= expected.Count, result.ToString());
        await AssertSameAsOrthancAsync(expected, storage.PathFor);
    }

    /// <summary>Each instance received is byte for byte what Orthanc holds (its own serialisation of the original).</summary>
    private async Task AssertSameAsOrthancAsync(IEnumerable<string> originals, Func<string, string> receivedPath)
    {
        using var scratch = new TempDirectory();
        foreach (var original in originals)
        {
            var uid = Read(original, DicomTags.SOPInstanceUID);
            var id = await fixture.Orthanc.FindInstanceAsync(uid);
            var orthancCopy = scratch.Combine(uid + ".dcm");
            await File.WriteAllBytesAsync(orthancCopy, await fixture.Orthanc.GetInstanceFileAsync(id!));
            Assert.Equal(DatasetBytes.Of(orthancCopy), DatasetBytes.Of(receivedPath(uid)));
        }
    }

    [SkippableFact]
    public async Task Wado_rs_multipart_from_orthanc_is_read_part_by_part()
    {
        fixture.Require();
        var study = Read(fixture.Hierarchy[0], DicomTags.StudyInstanceUID);
        var expected = fixture.Hierarchy.Where(f => Read(f, DicomTags.StudyInstanceUID) == study).Select(f => Read(f, DicomTags.SOPInstanceUID)).ToHashSet();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"dicom-web/studies/{study}");
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("multipart/related; type=\"application/dicom\"; transfer-syntax=*"));

        using var response = await fixture.Orthanc.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var contentType = response.Content.Headers.GetValues("Content-Type").Single();
        await using var body = await response.Content.ReadAsStreamAsync();
        var reader = MultipartReader.Create(body, contentType);

        var seen = new HashSet<string>();
        using var scratch = new TempDirectory();
        while (await reader.ReadNextPartAsync() is { } part)
        {
            Assert.StartsWith("application/dicom", part.ContentType, StringComparison.Ordinal);
            var path = scratch.Combine($"{part.Index}.dcm");
            await using (var file = File.Create(path))
                await part.Body.CopyToAsync(file);
            var uid = Read(path, DicomTags.SOPInstanceUID);
            Assert.Equal(await fixture.Orthanc.GetInstanceFileAsync((await fixture.Orthanc.FindInstanceAsync(uid))!), await File.ReadAllBytesAsync(path));
            seen.Add(uid);
        }

        Assert.Equal(expected, seen);
    }

    [SkippableFact]
    public async Task Stow_rs_body_written_by_our_writer_is_accepted_by_orthanc()
    {
        fixture.Require();
        var files = new[] { "pydicom/CT_small.dcm", "pydicom/MR_small.dcm", "cwil/CTImage.dcm" }
            .Select(f => Path.Combine(TestEnvironment.RequireSamples(), f)).ToList();
        var boundary = MultipartRelatedContentType.NewBoundary();
        using var content = new MultipartDicomContent(files, boundary);

        using var response = await fixture.Orthanc.Http.PostAsync("dicom-web/studies", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        foreach (var file in files)
            Assert.NotNull(await fixture.Orthanc.FindInstanceAsync(Read(file, DicomTags.SOPInstanceUID)));
    }

    /// <summary>An HTTP body streamed part by part from files by <see cref="MultipartWriter"/>.</summary>
    private sealed class MultipartDicomContent : HttpContent
    {
        private readonly IReadOnlyList<string> _files;
        private readonly string _boundary;

        public MultipartDicomContent(IReadOnlyList<string> files, string boundary)
        {
            _files = files;
            _boundary = boundary;
            Headers.ContentType = MediaTypeHeaderValue.Parse(new MultipartWriter(Stream.Null, boundary).GetContentType("application/dicom"));
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var writer = new MultipartWriter(stream, _boundary);
            foreach (var file in _files)
            {
                await using var source = File.OpenRead(file);
                await writer.WritePartAsync(new MultipartHeaders { ContentType = "application/dicom" }, source);
            }
            await writer.CompleteAsync();
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
