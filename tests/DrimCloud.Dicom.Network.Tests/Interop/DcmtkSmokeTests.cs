using DrimCloud.Dicom.Network.Tests.Infrastructure;

namespace DrimCloud.Dicom.Network.Tests.Interop;

public class DcmtkSmokeTests
{
    [SkippableFact]
    public async Task Echoscu_gets_success_from_our_listener()
    {
        var echoscu = TestEnvironment.RequireTool("echoscu", "dcmtk");
        await using var listener = DicomListener.Start(new DicomListenerOptions { AeTitle = "DRIMTEST" });

        var (exitCode, output) = await PeerProcess.RunAsync(echoscu, ["-v", "-aec", "DRIMTEST", "-aet", "ECHOSCU", "127.0.0.1", listener.Port.ToString()], TimeSpan.FromSeconds(20));

        Assert.True(exitCode == 0, output);
        Assert.Contains("Received Echo Response (Success)", output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Storescu_stores_a_ct_slice_byte_identical()
    {
        var storescu = TestEnvironment.RequireTool("storescu", "dcmtk");
        var source = Path.Combine(TestEnvironment.RequireSamples(), "cwil", "CTImage.dcm");
        using var output = new TempDirectory();
        var storage = new DicomFolderStorageHandler(output.Path);
        await using var listener = DicomListener.Start(new DicomListenerOptions { AeTitle = "DRIMTEST", Storage = storage });

        var (exitCode, log) = await PeerProcess.RunAsync(storescu, ["-xi", "-aec", "DRIMTEST", "127.0.0.1", listener.Port.ToString(), source], TimeSpan.FromSeconds(30));

        Assert.True(exitCode == 0, log);
        var received = Assert.Single(Directory.GetFiles(output.Path, "*.dcm"));
        Assert.Equal(DatasetBytes.Of(source), DatasetBytes.Of(received));
    }
}
