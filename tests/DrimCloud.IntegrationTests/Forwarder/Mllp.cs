using System.Net;
using System.Net.Sockets;
using DrimCloud.Hl7.Er7;
using DrimCloud.Hl7.Mllp;

namespace DrimCloud.IntegrationTests.Forwarder;

/// <summary>A RIS sending one HL7 v2 message over MLLP and reading the acknowledgment code (MSA-1).</summary>
public static class Mllp
{
    public static async Task<string?> SendAsync(int port, byte[] message)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await MllpWriter.WriteAsync(stream, message, CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ack = await new MllpReader(stream, 1_000_000).ReadMessageAsync(timeout.Token);
        return Hl7Parser.Parse(ack!).First("MSA")?.Value(1);
    }
}
