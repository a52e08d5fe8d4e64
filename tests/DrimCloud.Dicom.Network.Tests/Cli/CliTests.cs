using System.Globalization;
using DrimCloud.Dicom.Network.Tests.Infrastructure;

namespace DrimCloud.Dicom.Network.Tests.Cli;

/// <summary>The real <c>drimcloud dicom …</c> executable against DCMTK and our own listener.</summary>
public class CliTests
{
    private static readonly string Drimcloud = Path.Combine(AppContext.BaseDirectory, "drimcloud.dll");

    private static Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) =>
        PeerProcess.RunAsync("dotnet", [Drimcloud, "dicom", .. arguments], TimeSpan.FromSeconds(60));

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    [SkippableFact]
    public async Task Listen_receives_from_storescu_one_file_per_instance_and_stops_on_sigterm()
    {
        var storescu = TestEnvironment.RequireTool("storescu", "dcmtk");
        var samples = TestEnvironment.RequireSamples();
        using var output = new TempDirectory();
        var port = FreePort.Next();
        await using var listen = PeerProcess.Start("dotnet", [Drimcloud, "dicom", "listen", "--aet", "CLISCP", "--port", Port(port), "--bind", "127.0.0.1", "--out", output.Path]);
        await FreePort.WaitListeningAsync(port, TimeSpan.FromSeconds(30), () => !listen.HasExited);
        string[] files = [Path.Combine(samples, "pydicom", "CT_small.dcm"), Path.Combine(samples, "pydicom", "MR_small.dcm"), Path.Combine(samples, "cwil", "CTImage.dcm")];

        var (exitCode, log) = await PeerProcess.RunAsync(storescu, ["-xe", "-aec", "CLISCP", "127.0.0.1", Port(port), .. files], TimeSpan.FromSeconds(30));
        await listen.StopAsync(TimeSpan.FromSeconds(10));

        Assert.True(exitCode == 0, log);
        Assert.Equal(0, listen.ExitCode);
        Assert.Contains("Stopped: 3 instances", listen.Output, StringComparison.Ordinal);
        var received = Directory.GetFiles(output.Path, "*.dcm").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(files.Select(f => DicomStoreItem.FromFile(f).SopInstanceUid + ".dcm").Order(), received);
    }

    [SkippableFact]
    public async Task Echo_store_find_and_get_work_against_a_listener()
    {
        var archive = new TestArchive(Directory.GetFiles(Corpus.DicomDirTests, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("DICOMDIR", StringComparison.Ordinal)));
        using var stored = new TempDirectory();
        using var retrieved = new TempDirectory();
        var storage = new DicomFolderStorageHandler(stored.Path, new DicomFolderStorageOptions { Fsync = false });
        await using var listener = DicomListener.Start(new DicomListenerOptions { AeTitle = "CLIQR", Storage = storage, QueryRetrieve = archive });
        var port = Port(listener.Port);

        var echo = await RunAsync("echo", "--call", "CLIQR", "--port", port);
        var store = await RunAsync("store", "--call", "CLIQR", "--port", port, "--async", "4", Corpus.DicomDirTests);
        var find = await RunAsync("find", "--call", "CLIQR", "--port", port, "--level", "STUDY", "-k", "StudyInstanceUID", "-k", "PatientID");
        var series = DicomStoreItem.FromFile(archive.Files[0]);
        var get = await RunAsync("get", "--call", "CLIQR", "--port", port, "--level", "IMAGE", "-k", $"SOPInstanceUID={series.SopInstanceUid}", "--out", retrieved.Path);

        Assert.True(echo.ExitCode == 0, echo.Output);
        Assert.Contains("Success", echo.Output, StringComparison.Ordinal);
        // The DICOMDIR in the folder is not a storable instance: 1 of 34 fails, so the exit code says so.
        Assert.Equal(1, store.ExitCode);
        Assert.Contains($"Stored {archive.Count} of {archive.Count + 1} instances", store.Output, StringComparison.Ordinal);
        Assert.Equal(archive.Count, Directory.GetFiles(stored.Path, "*.dcm").Length);
        Assert.True(find.ExitCode == 0, find.Output);
        var studies = archive.Files.Select(f => { using var file = DicomFile.Open(f); return file.Dataset.GetString(DicomTags.StudyInstanceUID); }).Distinct().Count();
        Assert.Contains($"{studies} match(es).", find.Output, StringComparison.Ordinal);
        Assert.True(get.ExitCode == 0, get.Output);
        Assert.True(File.Exists(Path.Combine(retrieved.Path, series.SopInstanceUid + ".dcm")), get.Output);
    }

    [Fact]
    public async Task A_network_failure_is_one_line_and_exit_code_1()
    {
        var (exitCode, output) = await RunAsync("echo", "--call", "NOBODY", "--port", Port(FreePort.Next()));

        Assert.Equal(1, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("drimcloud: Cannot connect to 127.0.0.1:", line, StringComparison.Ordinal);
    }
}
