using System.Buffers.Binary;
using DrimCloud.Dicom.Network.Tests.Infrastructure;
using DrimCloud.Dicom.Network.Tests.Loopback;

namespace DrimCloud.Dicom.Network.Tests.BadInput;

/// <summary>
/// Broken and hostile peers against the listener: each gets the standard answer (reject or A-ABORT with the
/// right reason), nothing partial is stored, and the listener keeps serving others.
/// </summary>
public class HostilePeerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private static readonly DicomTimeouts Short = new() { Artim = TimeSpan.FromSeconds(1), Dimse = TimeSpan.FromSeconds(2), Idle = TimeSpan.FromSeconds(2) };

    private static async Task<RawPeer> AssociatedAsync(Loopback.Loopback loopback)
    {
        var peer = await RawPeer.ConnectAsync(loopback.Listener.Port);
        await peer.SendAsync(RawPdus.AssociateRequest("DRIMSCP", RawPdus.Verification(), RawPdus.Storage()));
        var answer = await peer.ReadPduAsync(Wait);
        Assert.Equal(PduType.AssociateAccept, answer?.Type);
        return peer;
    }

    private static void AssertAbort((PduType Type, byte[] Body)? pdu, AbortReason reason)
    {
        Assert.NotNull(pdu);
        Assert.Equal(PduType.Abort, pdu.Value.Type);
        Assert.Equal((byte)AbortSource.ServiceProvider, pdu.Value.Body[2]);
        Assert.Equal((byte)reason, pdu.Value.Body[3]);
    }

    private static async Task AssertStillServingAsync(Loopback.Loopback loopback)
    {
        Assert.Equal(DimseStatus.Success, await DicomClient.EchoAsync(loopback.Client()));
        await StorageTests.WaitUntilAsync(() => loopback.Listener.ActiveAssociations == 0);
        Assert.Empty(Directory.GetFiles(loopback.Folder.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task An_unknown_pdu_type_is_aborted_as_unrecognized()
    {
        await using var loopback = Loopback.Loopback.Start(o => o.With(timeouts: Short));
        using var peer = await RawPeer.ConnectAsync(loopback.Listener.Port);

        await peer.SendAsync(new byte[] { 0x09, 0, 0, 0, 0, 2, 1, 2 });

        AssertAbort(await peer.ReadPduAsync(Wait), AbortReason.UnrecognizedPdu);
        await AssertStillServingAsync(loopback);
    }

    [Fact]
    public async Task A_malformed_association_request_is_aborted_as_invalid()
    {
        await using var loopback = Loopback.Loopback.Start(o => o.With(timeouts: Short));
        using var peer = await RawPeer.ConnectAsync(loopback.Listener.Port);
        var request = RawPdus.AssociateRequest("DRIMSCP", RawPdus.Verification());
        // Make the application context item claim more bytes than the PDU holds.
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(6 + 68 + 2), 60000);

        await peer.SendAsync(request);

        AssertAbort(await peer.ReadPduAsync(Wait), AbortReason.InvalidPduParameterValue);
        await AssertStillServingAsync(loopback);
    }

    [Fact]
    public async Task A_pdu_larger_than_negotiated_is_aborted()
    {
        await using var loopback = Loopback.Loopback.Start(o => o.With(timeouts: Short, maxPdu: 16384));
        using var peer = await AssociatedAsync(loopback);

        await peer.SendAsync(RawPdus.Pdv(1, command: true, last: true, new byte[20000]));

        AssertAbort(await peer.ReadPduAsync(Wait), AbortReason.InvalidPduParameterValue);
        await AssertStillServingAsync(loopback);
    }

    [Fact]
    public async Task An_abort_in_the_middle_of_a_dataset_stores_nothing()
    {
        await using var loopback = Loopback.Loopback.Start(o => o.With(timeouts: Short));
        using var peer = await AssociatedAsync(loopback);

        await peer.SendAsync(RawPdus.Command(3, DimseCommand.StoreRequest(1, SyntheticInstance.SopClass, "2.25.1234")));
        await peer.SendAsync(RawPdus.Pdv(3, command: false, last: false, new byte[4000]));
        await peer.SendAsync(RawPdus.Abort());

        Assert.True(await peer.ClosedByServerWithinAsync(Wait));
        await AssertStillServingAsync(loopback);
    }

    [Fact]
    public async Task A_connection_dropped_in_the_middle_of_a_pdu_stores_nothing()
    {
        await using var loopback = Loopback.Loopback.Start(o => o.With(timeouts: Short));
        using (var peer = await AssociatedAsync(loopback))
        {
            await peer.SendAsync(RawPdus.Command(3, DimseCommand.StoreRequest(1, SyntheticInstance.SopClass, "2.25.1235")));
            await peer.SendAsync(RawPdus.Pdv(3, command: false, last: true, new byte[8000])[..3000]);
        }

        await AssertStillServingAsync(loopback);
    }

    [Fact]
    public async Task Data_on_an_unaccepted_context_or_before_a_command_is_aborted()
    {
        await using var loopback = Loopback.Loopback.Start(o => o.With(timeouts: Short));
        using (var peer = await AssociatedAsync(loopback))
        {
            await peer.SendAsync(RawPdus.Command(9, DimseCommand.EchoRequest(1)));
            AssertAbort(await peer.ReadPduAsync(Wait), AbortReason.UnexpectedPduParameter);
        }
        using (var peer = await AssociatedAsync(loopback))
        {
            await peer.SendAsync(RawPdus.Pdv(3, command: false, last: true, new byte[10]));
            AssertAbort(await peer.ReadPduAsync(Wait), AbortReason.UnexpectedPduParameter);
        }
        await AssertStillServingAsync(loopback);
    }

    [Fact]
    public async Task A_second_association_request_on_an_established_association_is_aborted()
    {
        await using var loopback = Loopback.Loopback.Start(o => o.With(timeouts: Short));
        using var peer = await AssociatedAsync(loopback);

        await peer.SendAsync(RawPdus.AssociateRequest("DRIMSCP", RawPdus.Verification()));

        AssertAbort(await peer.ReadPduAsync(Wait), AbortReason.UnexpectedPdu);
        await AssertStillServingAsync(loopback);
    }

    [Fact]
    public async Task A_silent_connection_is_closed_by_the_artim_timer()
    {
        await using var loopback = Loopback.Loopback.Start(o => o.With(timeouts: Short));
        using var peer = await RawPeer.ConnectAsync(loopback.Listener.Port);

        Assert.True(await peer.ClosedByServerWithinAsync(TimeSpan.FromSeconds(4)));
        await AssertStillServingAsync(loopback);
    }

    [Fact]
    public async Task An_idle_association_is_aborted()
    {
        await using var loopback = Loopback.Loopback.Start(o => o.With(timeouts: Short));
        using var peer = await AssociatedAsync(loopback);

        var pdu = await peer.ReadPduAsync(TimeSpan.FromSeconds(6));

        Assert.Equal(PduType.Abort, pdu?.Type);
        await AssertStillServingAsync(loopback);
    }

    [Fact]
    public async Task A_peer_that_stops_half_way_through_a_message_hits_the_dimse_timer()
    {
        await using var loopback = Loopback.Loopback.Start(o => o.With(timeouts: Short));
        using var peer = await AssociatedAsync(loopback);

        await peer.SendAsync(RawPdus.Command(3, DimseCommand.StoreRequest(1, SyntheticInstance.SopClass, "2.25.1236")));
        await peer.SendAsync(RawPdus.Pdv(3, command: false, last: false, new byte[100]));

        var pdu = await peer.ReadPduAsync(TimeSpan.FromSeconds(6));
        Assert.Equal(PduType.Abort, pdu?.Type);
        await AssertStillServingAsync(loopback);
    }

    [Fact]
    public async Task A_flood_of_connections_is_shed_and_the_listener_keeps_serving()
    {
        await using var loopback = Loopback.Loopback.Start(o => o.With(timeouts: Short, maxAssociations: 4, maxPendingRejections: 8));
        var flood = new List<RawPeer>();
        try
        {
            for (var i = 0; i < 200; i++)
            {
                try
                {
                    flood.Add(await RawPeer.ConnectAsync(loopback.Listener.Port));
                }
                catch (System.Net.Sockets.SocketException)
                {
                    // Reset while connecting: shed at accept before the handshake finished on our side.
                }
            }

            // The flood never sends a request: beyond the limits it is cut at accept, and the connections let in
            // are closed by ARTIM, so they hold nothing for long.
            await StorageTests.WaitUntilAsync(() => loopback.Listener.RefusedConnections >= 150, 5000);
            var closed = await Task.WhenAll(flood.Select(p => p.ClosedByServerWithinAsync(TimeSpan.FromSeconds(5))));
            Assert.All(closed, Assert.True);
        }
        finally
        {
            flood.ForEach(p => p.Dispose());
        }
        await AssertStillServingAsync(loopback);
    }

    [Fact]
    public async Task A_client_whose_peer_stops_answering_gets_a_dimse_timeout()
    {
        var stuck = new StuckStorage();
        // The listener gives up on its stuck handler later than the client gives up waiting.
        await using var loopback = Loopback.Loopback.Start(o => o.With(storage: stuck, timeouts: Short with { Dimse = TimeSpan.FromSeconds(4) }));
        var options = new DicomClientOptions
        {
            Host = "127.0.0.1",
            Port = loopback.Listener.Port,
            CallingAeTitle = "DRIMSCU",
            CalledAeTitle = "DRIMSCP",
            Timeouts = Short with { Dimse = TimeSpan.FromSeconds(1) },
        };
        var item = SyntheticInstance.Create("2.25.1237", 100);
        var proposal = new AssociationProposal();
        proposal.AddStorage([item]);
        await using var association = await DicomClient.ConnectAsync(options, proposal);

        var error = await Assert.ThrowsAsync<DicomNetworkTimeoutException>(() => association.StoreAsync(item));

        Assert.Equal(DicomTimeoutKind.Dimse, error.Kind);
        await StorageTests.WaitUntilAsync(() => stuck.Cancelled);
    }

    private sealed class StuckStorage : IDicomStorageHandler
    {
        public bool Cancelled { get; private set; }

        public async ValueTask<DimseOutcome> StoreAsync(DicomStoreRequest request, Stream dataSet, CancellationToken cancellationToken)
        {
            await dataSet.CopyToAsync(Stream.Null, cancellationToken);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Cancelled = true;
                throw;
            }
            return DimseOutcome.Success;
        }
    }
}
