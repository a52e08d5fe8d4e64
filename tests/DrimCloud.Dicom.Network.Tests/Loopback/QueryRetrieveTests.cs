using DrimCloud.Dicom.Network.Tests.Infrastructure;

namespace DrimCloud.Dicom.Network.Tests.Loopback;

public class QueryRetrieveTests
{
    private static TestArchive Archive() =>
        new(Directory.GetFiles(Corpus.DicomDirTests, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("DICOMDIR", StringComparison.Ordinal)));

    private static AssociationProposal QueryRetrieveProposal() => new AssociationProposal()
        .AddVerification()
        .Add(WellKnownUids.StudyRootFind, KnownTransferSyntaxes.ExplicitVRLittleEndian, KnownTransferSyntaxes.ImplicitVRLittleEndian)
        .Add(WellKnownUids.PatientRootFind, KnownTransferSyntaxes.ImplicitVRLittleEndian)
        .Add(WellKnownUids.StudyRootMove, KnownTransferSyntaxes.ExplicitVRLittleEndian)
        .Add(WellKnownUids.StudyRootGet, KnownTransferSyntaxes.ExplicitVRLittleEndian);

    private static DicomDataset Identifier(string level, params (DicomTag Tag, DicomVR VR, string Value)[] keys)
    {
        var identifier = new DicomDataset();
        identifier.SetString(DicomTags.QueryRetrieveLevel, DicomVR.CS, level);
        foreach (var (tag, vr, value) in keys)
            identifier.SetString(tag, vr, value);
        return identifier;
    }

    [SkippableFact]
    public async Task Find_returns_the_matches_at_each_level()
    {
        var archive = Archive();
        await using var loopback = Loopback.Start(o => o.With(queryRetrieve: archive));
        await using var association = await DicomClient.ConnectAsync(loopback.Client(), QueryRetrieveProposal());

        var studies = await association.FindAsync(WellKnownUids.StudyRootFind,
            Identifier(QueryRetrieveLevel.Study, (DicomTags.StudyInstanceUID, DicomVR.UI, ""), (DicomTags.PatientID, DicomVR.LO, ""))).ToListAsync();
        var patients = await association.FindAsync(WellKnownUids.PatientRootFind,
            Identifier(QueryRetrieveLevel.Patient, (DicomTags.PatientID, DicomVR.LO, ""), (DicomTags.PatientName, DicomVR.PN, ""))).ToListAsync();
        var study = studies[0].GetString(DicomTags.StudyInstanceUID)!;
        var series = await association.FindAsync(WellKnownUids.StudyRootFind,
            Identifier(QueryRetrieveLevel.Series, (DicomTags.StudyInstanceUID, DicomVR.UI, study), (DicomTags.SeriesInstanceUID, DicomVR.UI, ""), (DicomTags.Modality, DicomVR.CS, ""))).ToListAsync();

        Assert.Equal(archive.Files.Select(f => Study(f)).Distinct().Count(), studies.Count);
        Assert.Equal(archive.Files.Select(f => Read(f, DicomTags.PatientID)).Distinct().Count(), patients.Count);
        Assert.Equal(archive.Files.Where(f => Study(f) == study).Select(f => Read(f, DicomTags.SeriesInstanceUID)).Distinct().Order(), series.Select(s => s.GetString(DicomTags.SeriesInstanceUID)!.TrimEnd('\0')).Order());
        Assert.All(series, s => Assert.Equal(QueryRetrieveLevel.Series, s.GetString(DicomTags.QueryRetrieveLevel)?.Trim()));
    }

    [SkippableFact]
    public async Task Cancelling_a_find_stops_it_and_the_association_stays_usable()
    {
        var archive = Archive();
        archive.DelayPerMatch = TimeSpan.FromMilliseconds(150);
        await using var loopback = Loopback.Start(o => o.With(queryRetrieve: archive));
        await using var association = await DicomClient.ConnectAsync(loopback.Client(), QueryRetrieveProposal());
        var identifier = Identifier(QueryRetrieveLevel.Image, (DicomTags.SOPInstanceUID, DicomVR.UI, ""));

        var received = 0;
        await foreach (var _ in association.FindAsync(WellKnownUids.StudyRootFind, identifier))
        {
            if (++received == 2)
                break; // leaving the loop sends C-CANCEL and waits for the final response
        }

        Assert.True(archive.Count > 5);
        Assert.Equal(2, received);
        Assert.Equal(DimseStatus.Success, await association.EchoAsync());
    }

    [SkippableFact]
    public async Task Move_sends_the_selected_instances_to_the_destination_byte_identical()
    {
        var archive = Archive();
        await using var destination = Loopback.Start(aeTitle: "DEST");
        archive.Destinations["DEST"] = new DicomMoveDestination("DEST", "127.0.0.1", destination.Listener.Port);
        await using var loopback = Loopback.Start(o => o.With(queryRetrieve: archive));
        await using var association = await DicomClient.ConnectAsync(loopback.Client(), QueryRetrieveProposal());
        var study = Study(archive.Files[0]);
        var expected = archive.Files.Where(f => Study(f) == study).ToList();
        var progress = new List<DicomRetrieveProgress>();

        var result = await association.MoveAsync(WellKnownUids.StudyRootMove, "DEST",
            Identifier(QueryRetrieveLevel.Study, (DicomTags.StudyInstanceUID, DicomVR.UI, study)), new SyncProgress(progress));
        var unknown = await association.MoveAsync(WellKnownUids.StudyRootMove, "NOWHERE",
            Identifier(QueryRetrieveLevel.Study, (DicomTags.StudyInstanceUID, DicomVR.UI, study)));

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(expected.Count, result.Completed);
        Assert.Equal(expected.Count - 1, progress.Count);
        foreach (var file in expected)
            Assert.Equal(DatasetBytes.Of(file), DatasetBytes.Of(destination.Storage.PathFor(Read(file, DicomTags.SOPInstanceUID))));
        Assert.Equal(DimseStatus.MoveDestinationUnknown, unknown.Status);
    }

    [SkippableFact]
    public async Task Get_brings_the_instances_back_on_the_same_association()
    {
        var archive = Archive();
        await using var loopback = Loopback.Start(o => o.With(queryRetrieve: archive));
        using var target = new TempDirectory();
        var storage = new DicomFolderStorageHandler(target.Path, new DicomFolderStorageOptions { Fsync = false });
        var proposal = QueryRetrieveProposal();
        proposal.AddRetrieveStorage(archive.Files.Select(f => Read(f, DicomTags.SOPClassUID)).Distinct(),
            [KnownTransferSyntaxes.ExplicitVRLittleEndian, KnownTransferSyntaxes.ImplicitVRLittleEndian]);
        await using var association = await DicomClient.ConnectAsync(loopback.Client(), proposal);
        var series = Read(archive.Files[0], DicomTags.SeriesInstanceUID);
        var expected = archive.Files.Where(f => Read(f, DicomTags.SeriesInstanceUID) == series).ToList();

        var result = await association.GetAsync(WellKnownUids.StudyRootGet,
            Identifier(QueryRetrieveLevel.Series, (DicomTags.SeriesInstanceUID, DicomVR.UI, series)), storage);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(expected.Count, result.Completed);
        foreach (var file in expected)
            Assert.Equal(DatasetBytes.Of(file), DatasetBytes.Of(storage.PathFor(Read(file, DicomTags.SOPInstanceUID))));
    }

    [SkippableFact]
    public async Task Cancelling_a_get_stops_the_sub_operations_and_reports_the_counts()
    {
        var archive = Archive();
        await using var loopback = Loopback.Start(o => o.With(queryRetrieve: archive));
        using var cancel = new CancellationTokenSource();
        var storage = new SlowStorage(TimeSpan.FromMilliseconds(200), onFirst: cancel.Cancel);
        var proposal = QueryRetrieveProposal();
        proposal.AddRetrieveStorage(archive.Files.Select(f => Read(f, DicomTags.SOPClassUID)).Distinct(), [KnownTransferSyntaxes.ExplicitVRLittleEndian]);
        await using var association = await DicomClient.ConnectAsync(loopback.Client(), proposal);

        var result = await association.GetAsync(WellKnownUids.StudyRootGet, Identifier(QueryRetrieveLevel.Image, (DicomTags.SOPInstanceUID, DicomVR.UI, "")),
            storage, cancellationToken: cancel.Token);

        Assert.Equal(DimseStatus.Cancel, result.Status);
        Assert.InRange(result.Completed, 1, archive.Count - 1);
        Assert.Equal(DimseStatus.Success, await association.EchoAsync());
    }

    /// <summary>Takes its time over each instance, so a cancel lands while sub-operations remain.</summary>
    private sealed class SlowStorage(TimeSpan delay, Action onFirst) : IDicomStorageHandler
    {
        private int _count;

        public async ValueTask<DimseOutcome> StoreAsync(DicomStoreRequest request, Stream dataSet, CancellationToken cancellationToken)
        {
            await dataSet.CopyToAsync(Stream.Null, cancellationToken);
            await Task.Delay(delay, cancellationToken);
            if (Interlocked.Increment(ref _count) == 1)
                onFirst();
            return DimseOutcome.Success;
        }
    }

    private static string Study(string path) => Read(path, DicomTags.StudyInstanceUID);

    private static string Read(string path, DicomTag tag)
    {
        using var file = DicomFile.Open(path, new DicomReadOptions { StopBeforeTag = DicomTag.PixelData });
        return file.Dataset.GetString(tag)!.Trim().TrimEnd('\0');
    }

    /// <summary>Progress that records synchronously (Progress&lt;T&gt; posts to the thread pool, too late for asserts).</summary>
    private sealed class SyncProgress(List<DicomRetrieveProgress> sink) : IProgress<DicomRetrieveProgress>
    {
        public void Report(DicomRetrieveProgress value)
        {
            lock (sink)
                sink.Add(value);
        }
    }
}
