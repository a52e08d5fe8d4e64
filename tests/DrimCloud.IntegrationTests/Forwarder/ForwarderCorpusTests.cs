using System.Diagnostics;
using System.Globalization;
using System.Net;
using DrimCloud.IntegrationTests.DicomWeb;
using DrimCloud.Tests;
using Xunit.Abstractions;

namespace DrimCloud.IntegrationTests.Forwarder;

/// <summary>storescu → forwarder → cloud with the real sample corpus, compared with what DCMTK's own storescp receives.</summary>
[Collection("platform")]
public sealed class ForwarderCorpusTests(PlatformFixture platform, ITestOutputHelper output)
{
    /// <summary>The storescu option that makes it propose (so send) a file in its own transfer syntax, not a conversion.</summary>
    private static string? OwnSyntaxOption(string transferSyntaxUid) => transferSyntaxUid switch
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

    private const string DeflatedSyntax = "1.2.840.10008.1.2.1.99";

    [SkippableFact]
    public async Task Every_instance_storescu_saw_acknowledged_is_in_the_cloud_with_the_bytes_storescu_sent()
    {
        var tenant = await platform.CreateTenantAsync("fwdc");
        using var folder = new ForwarderTestFolder();
        await using var forwarder = await ForwarderProcess.StartAsync(platform, tenant, folder.Sub("spool"));

        // DCMTK's storescp receives the same storescu runs: what it writes (+B: bit-preserving) is what storescu sent.
        var reference = folder.Sub("storescp");
        var storescpPort = FreeTcpPort();
        using var storescp = Process.Start(new ProcessStartInfo("storescp", ["+B", "-aet", "DRIMCLOUD", "-od", reference, storescpPort.ToString(CultureInfo.InvariantCulture)])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
        try
        {
            var corpus = SampleFiles.Manifest().Where(r => r["transfer_syntax_uid"].Length > 0 && r["sop_instance_uid"].Length > 0)
                .DistinctBy(r => r["sop_instance_uid"]).ToList();
            var groups = corpus.GroupBy(r => OwnSyntaxOption(r["transfer_syntax_uid"])).Where(g => g.Key is not null).ToList();
            var sopOf = corpus.ToDictionary(r => SampleFiles.Path(r["file"]), r => r["sop_instance_uid"]);
            var deflated = corpus.Where(r => r["transfer_syntax_uid"] == DeflatedSyntax).Select(r => r["sop_instance_uid"]).ToHashSet();

            // What storescu put on the wire is what storescp +B wrote, except for a deflated data set: storescu
            // re-compresses it when sending (so not even the original file's bytes) and storescp inflates it before
            // writing. For those, the inflated data sets are compared.
            byte[] Comparable(string sop, byte[] dataSet)
            {
                if (!deflated.Contains(sop)) return dataSet;
                using var inflate = new System.IO.Compression.DeflateStream(new MemoryStream(dataSet), System.IO.Compression.CompressionMode.Decompress);
                using var inflated = new MemoryStream();
                inflate.CopyTo(inflated);
                return inflated.ToArray();
            }
            var acknowledged = new HashSet<string>(StringComparer.Ordinal);
            var sent = 0;
            await Task.Delay(300); // storescp's port
            foreach (var group in groups)
            {
                var files = group.Select(r => SampleFiles.Path(r["file"])).ToList();
                sent += files.Count;
                var run = await new Storescu().RunAsync(forwarder.DicomPort, files, group.Key);
                foreach (var f in run.Acknowledged) acknowledged.Add(sopOf[f]);
                await new Storescu().RunAsync(storescpPort, files, group.Key);
            }
            output.WriteLine($"{sent} corpus files offered in {groups.Count} storescu runs (one per transfer syntax); {acknowledged.Count} acknowledged by the forwarder.");
            Assert.True(acknowledged.Count >= 70, $"only {acknowledged.Count} acknowledged:\n{forwarder.Log}");

            await forwarder.WaitDrainedAsync(TimeSpan.FromSeconds(60));
            var status = await forwarder.StatusAsync();
            var quarantined = Directory.GetFiles(Path.Combine(folder.Path, "spool", "failed"), "*.txt").Select(File.ReadAllText).ToList();
            foreach (var q in quarantined) output.WriteLine($"quarantined: {q.ReplaceLineEndings(" | ")}");

            using var cloud = await platform.DicomWebAsync(tenant);
            var rows = (await CloudInstances.AllAsync(cloud)).ToDictionary(r => r.Sop);
            var referenceFiles = Directory.GetFiles(reference).ToDictionary(DatasetBytes.SopInstanceUid);
            var identical = 0;
            foreach (var sop in acknowledged)
            {
                if (!rows.TryGetValue(sop, out var row))
                {
                    Assert.Contains(quarantined, q => q.Contains(sop, StringComparison.Ordinal));
                    continue;
                }
                using var response = await cloud.GetAsync($"/studies/{row.Study}/series/{row.Series}/instances/{sop}",
                    "multipart/related; type=\"application/dicom\"; transfer-syntax=*");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var part = Assert.Single(await MultipartBody.ReadAsync(response));
                var fromCloud = DatasetBytes.Sha256(Comparable(sop, DatasetBytes.Of(part.Body)));
                var asSent = DatasetBytes.Sha256(DatasetBytes.Of(await File.ReadAllBytesAsync(referenceFiles[sop])));
                Assert.True(asSent == fromCloud, $"{sop}: the cloud's dataset differs from what storescu sent");
                identical++;
            }
            output.WriteLine($"{identical} retrieved byte-identical (SHA-256 of the dataset) through WADO-RS; {quarantined.Count} quarantined by the forwarder with the cloud's reason.");
            Assert.True(identical >= acknowledged.Count - quarantined.Count);
            Assert.Equal(0, status.GetProperty("queue").GetProperty("instances").GetInt32());
        }
        finally
        {
            storescp.Kill();
            await storescp.WaitForExitAsync();
        }
    }

    internal static int FreeTcpPort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
