using System.Net;
using System.Net.Sockets;

namespace DrimCloud.Dicom.Network.Tests.Infrastructure;

internal static class FreePort
{
    /// <summary>A TCP port free on 127.0.0.1 right now (for peers that cannot be told to pick one themselves).</summary>
    public static int Next()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>Waits until something accepts TCP connections on the port (a peer process finished starting).</summary>
    public static async Task WaitListeningAsync(int port, TimeSpan timeout, Func<bool>? stillAlive = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (stillAlive is not null && !stillAlive())
                throw new InvalidOperationException($"The process meant to listen on port {port} exited.");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new TimeoutException($"Nothing listens on 127.0.0.1:{port} after {timeout.TotalSeconds} s.");
    }
}
