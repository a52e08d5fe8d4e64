using System.Net;
using System.Net.Sockets;
using DrimCloud.Forwarder.Reports;
using DrimCloud.Hl7.Er7;
using DrimCloud.Hl7.Mllp;
using DrimCloud.Tests;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DrimCloud.Forwarder.Tests.Reports;

/// <summary>The forwarder's MLLP listener over real TCP on 127.0.0.1 (free port), with its spool in a temp folder.</summary>
public sealed class MllpReportListenerTests : IAsyncLifetime
{
    private readonly string _spoolDir = Path.Combine(Path.GetTempPath(), $"drimcloud-hl7-{Guid.NewGuid():N}");
    private MllpReportListener _listener = null!;
    private ReportSpool _spool = null!;
    private IPEndPoint _endpoint = null!;

    public async Task InitializeAsync()
    {
        var options = Options.Create(new Hl7ListenerOptions { BindAddress = "127.0.0.1", Port = 0, SpoolDirectory = _spoolDir, MaxMessageBytes = 1_000_000 });
        _spool = new ReportSpool(_spoolDir, TimeProvider.System, NullLogger<ReportSpool>.Instance);
        _listener = new MllpReportListener(options, _spool, TimeProvider.System, NullLogger<MllpReportListener>.Instance);
        await _listener.StartAsync(CancellationToken.None);
        _endpoint = await _listener.Listening.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async Task DisposeAsync()
    {
        await _listener.StopAsync(CancellationToken.None);
        _listener.Dispose();
        Directory.Delete(_spoolDir, recursive: true);
    }

    private async Task<Hl7Message> SendAsync(Stream stream, byte[] message)
    {
        await MllpWriter.WriteAsync(stream, message, CancellationToken.None);
        var ack = await new MllpReader(stream, 100_000).ReadMessageAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        Assert.NotNull(ack);
        return Hl7Parser.Parse(ack);
    }

    [Fact]
    public async Task The_ANS_ORU_is_spooled_durably_before_its_AA()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_endpoint);
        var message = ReportSamples.WithControlId(ReportSamples.ExamCOru, "ORU-C-1");
        var ack = await SendAsync(client.GetStream(), message);

        // At the moment the ACK arrives the message is already in pending/, complete, and journaled.
        var pending = _spool.Pending();
        Assert.Equal("AA", ack.First("MSA")!.Value(1));
        Assert.Equal("ORU-C-1", ack.First("MSA")!.Value(2));
        Assert.Equal("R01", ack.TriggerEvent);
        var spooled = Assert.Single(pending);
        Assert.Equal(message, await File.ReadAllBytesAsync(spooled.Path));
        Assert.Contains($"\treceived\t{spooled.Id}\ttype=ORU^R01 control=ORU-C-1", await File.ReadAllTextAsync(_spool.JournalPath), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_spool.PendingDirectory, "*.tmp"));
    }

    [Fact]
    public async Task Several_messages_on_one_connection_each_get_their_ACK()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_endpoint);
        var stream = client.GetStream();
        Assert.Equal("AA", (await SendAsync(stream, ReportSamples.WithControlId(ReportSamples.ExamCOru, "A1"))).First("MSA")!.Value(1));
        Assert.Equal("AE", (await SendAsync(stream, ReportSamples.Corrupted("A2"))).First("MSA")!.Value(1));
        Assert.Equal("AA", (await SendAsync(stream, await File.ReadAllBytesAsync(ReportSamples.PrototypeOru))).First("MSA")!.Value(1));
        Assert.Equal(2, _spool.Pending().Count);
    }

    [Fact]
    public async Task A_corrupted_message_gets_AE_with_the_reason_and_is_kept_in_rejected()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_endpoint);
        var corrupted = ReportSamples.Corrupted("BAD-1");
        var ack = await SendAsync(client.GetStream(), corrupted);
        var msa = ack.First("MSA")!;
        Assert.Equal("AE", msa.Value(1));
        Assert.Equal("BAD-1", msa.Value(2));
        Assert.Contains("base64", msa.Value(3), StringComparison.Ordinal);
        Assert.Equal("102", ack.First("ERR")!.Value(3));
        Assert.Empty(_spool.Pending());
        var kept = Assert.Single(Directory.GetFiles(_spool.RejectedDirectory, "*.hl7"));
        Assert.Equal(corrupted, await File.ReadAllBytesAsync(kept));
        Assert.Contains("base64", await File.ReadAllTextAsync(Path.ChangeExtension(kept, ".txt")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ANS_OMI_order_gets_AR()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_endpoint);
        var ack = await SendAsync(client.GetStream(), await File.ReadAllBytesAsync(ReportSamples.OmiO23));
        Assert.Equal("AR", ack.First("MSA")!.Value(1));
        Assert.Equal("001", ack.First("MSA")!.Value(2));
        Assert.Equal("200", ack.First("ERR")!.Value(3));
        Assert.Single(Directory.GetFiles(_spool.RejectedDirectory, "*.hl7"));
    }

    [Fact]
    public async Task Bytes_outside_a_frame_close_the_connection_and_are_not_acknowledged()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_endpoint);
        var stream = client.GetStream();
        await stream.WriteAsync("MSH|^~\\&|no framing\r"u8.ToArray());
        var buffer = new byte[16];
        var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, read);
        Assert.Empty(_spool.Pending());
    }

    [SkippableFact]
    public async Task The_Debian_mllp_send_tool_gets_AA_for_the_ANS_ORU()
    {
        var file = Path.Combine(_spoolDir, "exam-c.hl7");
        await File.WriteAllBytesAsync(file, ReportSamples.WithControlId(ReportSamples.ExamCOru, "MLLP-SEND-1"));
        var (exit, output) = await Tools.RunAsync("mllp_send", "--loose", "-f", file, "-p", _endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "127.0.0.1");
        Assert.True(exit == 0, output);
        Assert.Contains("MSA|AA|MLLP-SEND-1", output, StringComparison.Ordinal);
        Assert.Single(_spool.Pending());
    }

    [Fact]
    public async Task A_restarted_spool_drops_unacknowledged_partial_files_and_keeps_the_rest()
    {
        var dir = Path.Combine(_spoolDir, "restart");
        var first = new ReportSpool(dir, TimeProvider.System, NullLogger<ReportSpool>.Instance);
        var kept = await first.AcceptAsync("MSH|^~\\&|x"u8.ToArray(), "1", "ORU^R01", CancellationToken.None);
        File.WriteAllText(Path.Combine(first.PendingDirectory, "20260101T000000000-abc.hl7.tmp"), "partial");
        var second = new ReportSpool(dir, TimeProvider.System, NullLogger<ReportSpool>.Instance);
        Assert.Equal(kept.Id, Assert.Single(second.Pending()).Id);
        Assert.Empty(Directory.GetFiles(second.PendingDirectory, "*.tmp"));
    }
}
