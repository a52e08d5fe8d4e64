using System.Globalization;
using DrimCloud.Dicom.Network.Tests.Infrastructure;
using Xunit.Abstractions;

namespace DrimCloud.Dicom.Network.Tests.Interop;

/// <summary>C-STORE against DCMTK: storescu into our listener, our SCU into storescp.</summary>
public class DcmtkStorageTests(ITestOutputHelper output)
{
    /// <summary>The storescu option that makes it propose (and so send) a file in its own transfer syntax.</summary>
    private static string? StorescuOption(string transferSyntaxUid) => transferSyntaxUid switch
    {
        "1.2.840.10008.1.2" => "-xi",
        "1.2.840.10008.1.2.1" => "-xe",
        "1.2.840.10008.1.2.2" => "-xb",
        "1.2.840.10008.1.2.1.99" => "-xd",
        "1.2.840.10008.1.2.4.50" => "-xy",
        "1.2.840.10008.1.2.4.51" => "-xx",
        "1.2.840.10008.1.2.4.70" => "-xs",
        "1.2.840.10008.1.2.4.80" => "-xt",
        "1.2.840.10008.1.2.4.81" => "-xu",
        "1.2.840.10008.1.2.4.90" => "-xv",
        "1.2.840.10008.1.2.4.91" => "-xw",
        "1.2.840.10008.1.2.5" => "-xr",
        _ => null,
    };

    [SkippableFact]
    public async Task Every_sample_storescu_sends_arrives_with_the_bytes_dcmtk_sent_from_parallel_runs()
    {
        var storescu = TestEnvironment.RequireTool("storescu", "dcmtk");
        var storescp = TestEnvironment.RequireTool("storescp", "dcmtk");
        var groups = Corpus.StorableByDcmtk().GroupBy(f => StorescuOption(f.TransferSyntaxUid)).Where(g => g.Key is not null).ToList();
        using var ours = new TempDirectory();
        using var theirs = new TempDirectory();
        var storage = new DicomFolderStorageHandler(ours.Path, new DicomFolderStorageOptions { Fsync = false });
        await using var listener = DicomListener.Start(new DicomListenerOptions { AeTitle = "DRIMTEST", Storage = storage });
        var storescpPort = FreePort.Next();
        await using var reference = PeerProcess.Start(storescp, ["--fork", "+B", "+xa", "-aet", "STORESCP", "-od", theirs.Path, storescpPort.ToString(CultureInfo.InvariantCulture)]);
        await FreePort.WaitListeningAsync(storescpPort, TimeSpan.FromSeconds(10), () => !reference.HasExited);

        // One storescu per transfer syntax family and receiver, several at once (-q: one sample makes DCMTK print
        // ~300,000 warnings, which alone takes it seconds).
        using var parallel = new SemaphoreSlim(6);
        async Task<(int ExitCode, string Output)> Storescu(string option, string calledAeTitle, int port, IEnumerable<Corpus.Entry> files)
        {
            await parallel.WaitAsync();
            try
            {
                return await PeerProcess.RunAsync(storescu, ["-q", "-R", "-nh", option, "-aec", calledAeTitle, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), .. files.Select(f => f.Path)], TimeSpan.FromSeconds(120));
            }
            finally
            {
                parallel.Release();
            }
        }
        var results = await Task.WhenAll(groups.SelectMany(g => new[]
        {
            Storescu(g.Key!, "DRIMTEST", listener.Port, g),
            Storescu(g.Key!, "STORESCP", storescpPort, g),
        }));
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Output));
        await reference.StopAsync(TimeSpan.FromSeconds(5));

        var theirFiles = Directory.GetFiles(theirs.Path).ToDictionary(SopInstanceUidOf);
        var identicalToOriginal = 0;
        foreach (var file in groups.SelectMany(g => g))
        {
            var received = storage.PathFor(file.SopInstanceUid);
            Assert.True(File.Exists(received), $"{file.RelativePath} did not arrive");
            var ourBytes = DatasetBytes.Of(received);
            Assert.True(ourBytes.AsSpan().SequenceEqual(DatasetBytes.Of(theirFiles[file.SopInstanceUid])), $"{file.RelativePath}: differs from what storescp received");
            if (ourBytes.AsSpan().SequenceEqual(DatasetBytes.Of(file.Path)))
                identicalToOriginal++;
            Assert.Equal(file.TransferSyntaxUid, DatasetBytes.MetaString(received, 0x0010));
        }
        output.WriteLine($"{groups.Sum(g => g.Count())} instances in {groups.Count} parallel storescu runs; {identicalToOriginal} byte-identical to the source file's dataset, the rest re-encoded by storescu identically for both receivers.");
        Assert.True(groups.Sum(g => g.Count()) >= 80);
    }

    [SkippableFact]
    public async Task Our_store_reaches_storescp_byte_identical()
    {
        var storescp = TestEnvironment.RequireTool("storescp", "dcmtk");
        var files = Corpus.StorableByDcmtk();
        using var theirs = new TempDirectory();
        var port = FreePort.Next();
        await using var reference = PeerProcess.Start(storescp, ["+B", "+xa", "-aet", "STORESCP", "-od", theirs.Path, port.ToString(CultureInfo.InvariantCulture)]);
        await FreePort.WaitListeningAsync(port, TimeSpan.FromSeconds(10), () => !reference.HasExited);
        var items = files.Select(f => DicomStoreItem.FromFile(f.Path)).ToList();
        var proposal = new AssociationProposal();
        Assert.Empty(proposal.AddStorage(items));
        var options = new DicomClientOptions { Host = "127.0.0.1", Port = port, CallingAeTitle = "DRIMSCU", CalledAeTitle = "STORESCP" };

        await using (var association = await DicomClient.ConnectAsync(options, proposal))
        {
            foreach (var item in items)
            {
                var result = await association.StoreAsync(item);
                Assert.True(result.IsSuccess, result.ToString());
            }
            await association.ReleaseAsync();
        }
        await reference.StopAsync(TimeSpan.FromSeconds(5));

        var received = Directory.GetFiles(theirs.Path).ToDictionary(SopInstanceUidOf);
        foreach (var item in items)
        {
            var expected = DatasetBytes.AsSent(item.SourcePath!);
            Assert.True(expected.AsSpan().SequenceEqual(DatasetBytes.Of(received[item.SopInstanceUid])), $"{item.SourcePath} differs at storescp");
        }
    }

    private static string SopInstanceUidOf(string path)
    {
        using var file = DicomFile.Open(path, new DicomReadOptions { StopBeforeTag = new DicomTag(0x0008, 0x0019) });
        return file.Dataset.GetString(DicomTags.SOPInstanceUID)!.TrimEnd('\0', ' ');
    }
}
