using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace DrimCloud.Dicom.Network.Tests.Infrastructure;

/// <summary>A bare TCP peer that writes arbitrary bytes and reads PDUs, to play a broken or hostile DICOM client.</summary>
internal sealed class RawPeer : IDisposable
{
    private readonly Socket _socket;

    private RawPeer(Socket socket)
    {
        _socket = socket;
    }

    public static async Task<RawPeer> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        return new RawPeer(socket);
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            await _socket.SendAsync(bytes, SocketFlags.None);
        }
        catch (SocketException)
        {
            // The server may already have closed on us; what it answered is what the test checks.
        }
    }

    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>The next whole PDU (type and body), or null when the server closed the connection or timed out.</summary>
    public async Task<(PduType Type, byte[] Body)?> ReadPduAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var header = new byte[6];
            if (!await ReadExactlyAsync(header, cts.Token))
                return null;
            var body = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(2))];
            if (!await ReadExactlyAsync(body, cts.Token))
                return null;
            return ((PduType)header[0], body);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            return null;
        }
    }

    /// <summary>True if the server closes the connection within the timeout (reads and discards anything sent).</summary>
    public async Task<bool> ClosedByServerWithinAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var scratch = new byte[4096];
        try
        {
            while (await _socket.ReceiveAsync(scratch, SocketFlags.None, cts.Token) > 0)
            {
            }
            return true;
        }
        catch (SocketException)
        {
            return true; // reset
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<bool> ReadExactlyAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var read = await _socket.ReceiveAsync(buffer[done..], SocketFlags.None, cancellationToken);
            if (read == 0)
                return false;
            done += read;
        }
        return true;
    }

    public void Dispose() => _socket.Dispose();
}

/// <summary>Builds the PDUs a raw peer sends.</summary>
internal static class RawPdus
{
    public static byte[] AssociateRequest(string called, params PresentationContextProposal[] contexts) =>
        AssociatePduCodec.EncodeRequest(new AssociationRequest
        {
            CalledAeTitle = called,
            CallingAeTitle = "RAWPEER",
            PresentationContexts = [.. contexts],
            UserInformation = new UserInformation { MaxPduLength = 16384, ImplementationClassUid = "1.2.3.4" },
        });

    public static PresentationContextProposal Verification(byte id = 1) => new(id, WellKnownUids.Verification, [KnownTransferSyntaxes.ImplicitVRLittleEndian]);

    public static PresentationContextProposal Storage(byte id = 3) => new(id, SyntheticInstance.SopClass, [KnownTransferSyntaxes.ExplicitVRLittleEndian]);

    /// <summary>One P-DATA-TF with one PDV.</summary>
    public static byte[] Pdv(byte contextId, bool command, bool last, ReadOnlySpan<byte> data)
    {
        var pdu = new byte[12 + data.Length];
        pdu[0] = (byte)PduType.DataTransfer;
        BinaryPrimitives.WriteUInt32BigEndian(pdu.AsSpan(2), (uint)(6 + data.Length));
        BinaryPrimitives.WriteUInt32BigEndian(pdu.AsSpan(6), (uint)(2 + data.Length));
        pdu[10] = contextId;
        pdu[11] = (byte)((command ? 1 : 0) | (last ? 2 : 0));
        data.CopyTo(pdu.AsSpan(12));
        return pdu;
    }

    public static byte[] Command(byte contextId, DimseCommand command) => Pdv(contextId, command: true, last: true, CommandSetCodec.Encode(command));

    public static byte[] ReleaseRequest() => AssociatePduCodec.EncodeReleaseRequest();

    public static byte[] Abort() => AssociatePduCodec.EncodeAbort(AbortSource.ServiceUser, AbortReason.NotSpecified);
}
