using System.Globalization;
using DrimCloud.Dicom.Network.Tests.Infrastructure;

namespace DrimCloud.Dicom.Network.Tests.Interop;

/// <summary>DCMTK findscu, movescu and getscu against our Query/Retrieve SCP, backed by a test archive.</summary>
public class DcmtkQueryRetrieveTests
{
    private static TestArchive Archive() =>
        new(Directory.GetFiles(Corpus.DicomDirTests, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("DICOMDIR", StringComparison.Ordinal)));

    private static string Read(string path, DicomTag tag)
    {
        using var file = DicomFile.Open(path, new DicomReadOptions { StopBeforeTag = DicomTag.PixelData });
        return file.Dataset.GetString(tag)!.Trim().TrimEnd('\0');
    }

    [SkippableFact]
    public async Task Findscu_gets_every_study_and_the_series_of_one()
    {
        var findscu = TestEnvironment.RequireTool("findscu", "dcmtk");
        var archive = Archive();
        await using var listener = DicomListener.Start(new DicomListenerOptions { AeTitle = "DRIMQR", QueryRetrieve = archive });
        using var studiesFolder = new TempDirectory();
        using var seriesFolder = new TempDirectory();
        var port = listener.Port.ToString(CultureInfo.InvariantCulture);

        var studies = await PeerProcess.RunAsync(findscu, ["-S", "-X", "-od", studiesFolder.Path, "-aec", "DRIMQR",
            "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID", "-k", "PatientID", "-k", "StudyDate", "127.0.0.1", port], TimeSpan.FromSeconds(30));
        var study = Read(archive.Files[0], DicomTags.StudyInstanceUID);
        var series = await PeerProcess.RunAsync(findscu, ["-S", "-X", "-od", seriesFolder.Path, "-aec", "DRIMQR",
            "-k", "QueryRetrieveLevel=SERIES", "-k", $"StudyInstanceUID={study}", "-k", "SeriesInstanceUID", "-k", "Modality", "127.0.0.1", port], TimeSpan.FromSeconds(30));

        Assert.True(studies.ExitCode == 0, studies.Output);
        Assert.True(series.ExitCode == 0, series.Output);
        var foundStudies = Directory.GetFiles(studiesFolder.Path, "rsp*.dcm").Select(f => Read(f, DicomTags.StudyInstanceUID)).Order().ToList();
        Assert.Equal(archive.Files.Select(f => Read(f, DicomTags.StudyInstanceUID)).Distinct().Order(), foundStudies);
        var foundSeries = Directory.GetFiles(seriesFolder.Path, "rsp*.dcm").Select(f => Read(f, DicomTags.SeriesInstanceUID)).Order().ToList();
        Assert.Equal(archive.Files.Where(f => Read(f, DicomTags.StudyInstanceUID) == study).Select(f => Read(f, DicomTags.SeriesInstanceUID)).Distinct().Order(), foundSeries);
    }

    [SkippableFact]
    public async Task Movescu_moves_a_study_to_the_destination_it_names()
    {
        var movescu = TestEnvironment.RequireTool("movescu", "dcmtk");
        var archive = Archive();
        using var destinationFolder = new TempDirectory();
        var destinationStorage = new DicomFolderStorageHandler(destinationFolder.Path, new DicomFolderStorageOptions { Fsync = false });
        await using var destination = DicomListener.Start(new DicomListenerOptions { AeTitle = "DEST", Storage = destinationStorage });
        archive.Destinations["DEST"] = new DicomMoveDestination("DEST", "127.0.0.1", destination.Port);
        await using var listener = DicomListener.Start(new DicomListenerOptions { AeTitle = "DRIMQR", QueryRetrieve = archive });
        var study = Read(archive.Files[^1], DicomTags.StudyInstanceUID);
        var expected = archive.Files.Where(f => Read(f, DicomTags.StudyInstanceUID) == study).ToList();

        var (exitCode, log) = await PeerProcess.RunAsync(movescu, ["-v", "-S", "-aec", "DRIMQR", "-aem", "DEST",
            "-k", "QueryRetrieveLevel=STUDY", "-k", $"StudyInstanceUID={study}", "127.0.0.1", listener.Port.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(30));

        Assert.True(exitCode == 0, log);
        Assert.Contains("Received Final Move Response (Success)", log, StringComparison.Ordinal);
        Assert.Equal(expected.Count, Directory.GetFiles(destinationFolder.Path, "*.dcm").Length);
        foreach (var file in expected)
            Assert.Equal(DatasetBytes.Of(file), DatasetBytes.Of(destinationStorage.PathFor(Read(file, DicomTags.SOPInstanceUID))));
    }

    [SkippableFact]
    public async Task Getscu_retrieves_a_series_on_its_own_association()
    {
        var getscu = TestEnvironment.RequireTool("getscu", "dcmtk");
        var archive = Archive();
        await using var listener = DicomListener.Start(new DicomListenerOptions { AeTitle = "DRIMQR", QueryRetrieve = archive });
        using var target = new TempDirectory();
        var series = Read(archive.Files[0], DicomTags.SeriesInstanceUID);
        var expected = archive.Files.Where(f => Read(f, DicomTags.SeriesInstanceUID) == series).ToList();

        var (exitCode, log) = await PeerProcess.RunAsync(getscu, ["-S", "-aec", "DRIMQR", "-od", target.Path,
            "-k", "QueryRetrieveLevel=SERIES", "-k", $"SeriesInstanceUID={series}", "127.0.0.1", listener.Port.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(30));

        Assert.True(exitCode == 0, log);
        var received = Directory.GetFiles(target.Path).ToDictionary(f => Read(f, DicomTags.SOPInstanceUID));
        Assert.Equal(expected.Count, received.Count);
        foreach (var file in expected)
            Assert.Equal(DatasetBytes.Of(file), DatasetBytes.Of(received[Read(file, DicomTags.SOPInstanceUID)]));
    }
}
