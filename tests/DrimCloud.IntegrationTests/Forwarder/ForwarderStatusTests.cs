using System.Diagnostics;
using System.Text.Json;
using DrimCloud.Tests;
using Xunit.Abstractions;

namespace DrimCloud.IntegrationTests.Forwarder;

/// <summary>
/// The local status the hospital's IT reads (the endpoint and <c>drimcloud forwarder status</c>): both spools, the
/// cloud link, the PACS link; the endpoint switched off; and the upload bandwidth limit measured end to end.
/// </summary>
[Collection("platform")]
public sealed class ForwarderStatusTests(PlatformFixture platform, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Status_covers_both_spools_the_cloud_link_and_the_pacs_link()
    {
        var clock = Stopwatch.StartNew();
        var tenant = await platform.CreateTenantAsync("fwds");
        using var folder = new ForwarderTestFolder();
        var (_, files) = TestInstances.WriteSeries(folder.Sub("series"), 5);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: tenant and files");
        // A PACS on a closed port: the link must show as unreachable, with the address.
        await using var forwarder = await ForwarderProcess.StartAsync(platform, tenant, folder.Sub("spool"),
            settings: new Dictionary<string, string> { ["Forwarder__Pacs__Host"] = "127.0.0.1", ["Forwarder__Pacs__Port"] = "1" });
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: forwarder started");
        var run = await new Storescu().RunAsync(forwarder.DicomPort, files, "-xe");
        Assert.Equal(5, run.AcknowledgedCount);
        await WaitAsync(forwarder, s => s.GetProperty("upload").GetProperty("instancesUploaded").GetInt64() == 5, TimeSpan.FromSeconds(30));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: sent and uploaded");

        var status = await WaitAsync(forwarder, s => s.GetProperty("pacs").GetProperty("state").GetString() != "unknown");
        output.WriteLine(status.ToString());
        var cloud = status.GetProperty("cloud");
        Assert.Equal("ok", cloud.GetProperty("state").GetString());
        Assert.True(cloud.GetProperty("lastContactAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.Equal(tenant.ForwarderId, cloud.GetProperty("clientId").GetString());
        var reports = status.GetProperty("reports");
        Assert.Equal(0, reports.GetProperty("messages").GetInt32());
        Assert.EndsWith("-reports", reports.GetProperty("spoolFolder").GetString(), StringComparison.Ordinal);
        var pacs = status.GetProperty("pacs");
        Assert.Equal("unreachable", pacs.GetProperty("state").GetString());
        Assert.Contains("127.0.0.1:1", pacs.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(5, status.GetProperty("upload").GetProperty("instancesUploaded").GetInt64());

        var text = await CliStatusAsync(forwarder);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: CLI\n{text}");
        Assert.Contains("Queue          0 instance(s)", text, StringComparison.Ordinal);
        Assert.Contains("HL7 reports", text, StringComparison.Ordinal);
        Assert.Contains("Queue          0 message(s)", text, StringComparison.Ordinal);
        Assert.Contains("Link           ok (credentials accepted)", text, StringComparison.Ordinal);
        Assert.Contains("PACS           unreachable (PACS@127.0.0.1:1", text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Status_port_minus_one_serves_no_http_and_the_forwarder_still_forwards()
    {
        var tenant = await platform.CreateTenantAsync("fwdn");
        using var folder = new ForwarderTestFolder();
        var (_, files) = TestInstances.WriteSeries(folder.Sub("series"), 3);
        await using var forwarder = await ForwarderProcess.StartAsync(platform, tenant, folder.Sub("spool"),
            settings: new Dictionary<string, string> { ["Forwarder__Status__Port"] = "-1" });
        Assert.Equal(3, (await new Storescu().RunAsync(forwarder.DicomPort, files, "-xe")).AcknowledgedCount);
        using var cloud = await platform.DicomWebAsync(tenant);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await CloudInstances.AllAsync(cloud)).Count < 3 && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.Equal(3, (await CloudInstances.AllAsync(cloud)).Count);
        Assert.Contains("Local status endpoint disabled", forwarder.Log, StringComparison.Ordinal);
        // Kestrel with no endpoint would have listened on localhost:5000: no HTTP listener at all.
        Assert.DoesNotContain("Now listening on", forwarder.Log, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_upload_bandwidth_limit_is_honoured_end_to_end()
    {
        const long limit = 1_000_000; // bytes/s
        var tenant = await platform.CreateTenantAsync("fwdb");
        using var folder = new ForwarderTestFolder();
        var (_, files) = TestInstances.WriteSeries(folder.Sub("series"), 80, size: 256); // ~131 kB each, ~10.5 MB
        var total = files.Sum(f => new FileInfo(f).Length);
        await using var forwarder = await ForwarderProcess.StartAsync(platform, tenant, folder.Sub("spool"),
            settings: new Dictionary<string, string>
            {
                ["Forwarder__Upload__BandwidthBytesPerSecond"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Forwarder__Upload__MaxInstancesPerRequest"] = "4",
            });
        // storescu fills the spool in well under a second; the limit then paces the upload of the whole 10.5 MB.
        var clock = Stopwatch.StartNew();
        Assert.Equal(80, (await new Storescu().RunAsync(forwarder.DicomPort, files, "-xe")).AcknowledgedCount);
        // Until the cloud confirmed all 80 (an empty queue alone may still have the last batch in flight).
        var done = await WaitAsync(forwarder, s => s.GetProperty("upload").GetProperty("instancesUploaded").GetInt64() == 80, TimeSpan.FromSeconds(60));
        var elapsed = clock.Elapsed.TotalSeconds;
        var uploaded = done.GetProperty("upload").GetProperty("bytesUploaded").GetInt64();
        var rate = uploaded / elapsed;
        output.WriteLine($"{uploaded} bytes in {elapsed:0.00} s: {rate / 1e6:0.000} MB/s for a limit of {limit / 1e6:0.000} MB/s");
        // The spool keeps each data set as received under a file meta rebuilt from the association: a few bytes
        // apart from storescu's files per instance.
        Assert.InRange(uploaded, total * 0.99, total * 1.01);
        // Upper bound: the bucket holds one second's worth, so 10.5 MB cannot go faster than 10.5 / 9.5 × the limit
        // (unlimited, this upload runs at several MB/s). Lower bound: the limit is not a crawl (request and cloud
        // overheads on a loaded machine allowed for).
        Assert.InRange(rate, 0.6 * limit, 1.15 * limit);
    }

    internal static async Task<JsonElement> WaitAsync(ForwarderProcess forwarder, Func<JsonElement, bool> until, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var status = await forwarder.StatusAsync();
            if (until(status) || DateTime.UtcNow > deadline) return status;
            await Task.Delay(50);
        }
    }

    internal static async Task<string> CliStatusAsync(ForwarderProcess forwarder)
    {
        var cli = Path.Combine(Path.GetDirectoryName(new Projects.DrimCloud_Forwarder().ProjectPath)!, "..", "DrimCloud.Cli", "bin",
            ForwarderProcess.Configuration, "net10.0", "drimcloud.dll");
        var (exit, text) = await Tools.RunAsync("dotnet", cli, "forwarder", "status", "--url", forwarder.StatusUrl.ToString());
        Assert.True(exit == 0, text);
        return text;
    }
}
