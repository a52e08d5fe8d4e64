using DrimCloud.Forwarder.Control;
using Microsoft.Extensions.Options;

namespace DrimCloud.Forwarder.Tests.Control;

/// <summary>A forwarder without a PACS configured says so in the command's outcome instead of failing obscurely.</summary>
public sealed class CommandWithoutPacsTests
{
    private static readonly IOptions<PacsOptions> NoPacs = Options.Create(new PacsOptions());

    [Fact]
    public async Task Pull_fails_with_the_setting_to_fill_in()
    {
        var pull = new PullFromPacs(new PacsLink(NoPacs), NoPacs);
        var outcome = await pull.RunAsync(new CloudCommand(Guid.NewGuid(), "pull-from-pacs", "1.2.3", null, 1), CancellationToken.None);
        Assert.False(outcome.Succeeded);
        Assert.Contains("Forwarder:Pacs:Host", outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_link_reports_not_configured()
    {
        var (state, detail) = await new PacsLink(NoPacs).CheckAsync(CancellationToken.None);
        Assert.Equal("not-configured", state);
        Assert.Null(detail);
    }

    [Fact]
    public async Task An_unreachable_pacs_is_reported_with_its_address()
    {
        var closedPort = new PacsOptions { Host = "127.0.0.1", Port = FreeClosedPort(), AeTitle = "NOWHERE" };
        var (state, detail) = await new PacsLink(Options.Create(closedPort)).CheckAsync(CancellationToken.None);
        Assert.Equal("unreachable", state);
        Assert.Contains("NOWHERE@127.0.0.1", detail, StringComparison.Ordinal);
    }

    private static int FreeClosedPort()
    {
        using var socket = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        socket.Start();
        return ((System.Net.IPEndPoint)socket.LocalEndpoint).Port;
    }
}
