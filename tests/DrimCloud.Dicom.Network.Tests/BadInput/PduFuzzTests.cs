using System.Diagnostics;
using DrimCloud.Dicom.Network.Tests.Infrastructure;
using DrimCloud.Dicom.Network.Tests.Loopback;

namespace DrimCloud.Dicom.Network.Tests.BadInput;

/// <summary>
/// Seeded, time-bounded fuzzing of the PDU parser: mutated association PDUs straight into the codec, and mutated
/// whole sessions against a live listener. A failing seed is named in the assertion message.
/// </summary>
public class PduFuzzTests
{
    [Fact]
    public void Mutated_association_pdus_decode_or_raise_a_protocol_error_only()
    {
        var request = RawPdus.AssociateRequest("DRIMSCP", RawPdus.Verification(), RawPdus.Storage(),
            new PresentationContextProposal(5, WellKnownUids.StudyRootGet, [KnownTransferSyntaxes.ExplicitVRLittleEndian, KnownTransferSyntaxes.ImplicitVRLittleEndian]))[6..];
        var accept = AssociatePduCodec.EncodeAccept(new AssociationAccept
        {
            CalledAeTitle = "A",
            CallingAeTitle = "B",
            PresentationContexts = [new PresentationContextAnswer(1, PresentationContextResult.Acceptance, KnownTransferSyntaxes.ExplicitVRLittleEndian)],
            UserInformation = new UserInformation { MaxPduLength = 1000, ImplementationClassUid = "1.2", UserIdentityServerResponse = [1, 2, 3] },
        })[6..];
        var clock = Stopwatch.StartNew();
        var cases = 0;
        for (var seed = 1; clock.Elapsed < TimeSpan.FromSeconds(3) || cases < 5000; seed++, cases++)
        {
            var random = new Random(seed);
            var mutated = Mutate(random.Next(2) == 0 ? request : accept, random);
            try
            {
                if (random.Next(2) == 0)
                    AssociatePduCodec.DecodeRequest(mutated);
                else
                    AssociatePduCodec.DecodeAccept(mutated);
            }
            catch (DicomProtocolException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {seed}: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    [Fact]
    public void Mutated_command_sets_decode_or_raise_a_protocol_error_only()
    {
        var command = CommandSetCodec.Encode(DimseCommand.StoreRequest(7, SyntheticInstance.SopClass, "1.2.3.4.5", DimsePriority.High, "MOVER", 3));
        for (var seed = 1; seed <= 5000; seed++)
        {
            var random = new Random(seed);
            try
            {
                CommandSetCodec.Decode(Mutate(command, random));
            }
            catch (DicomProtocolException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {seed}: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    [Fact]
    public async Task Mutated_sessions_never_take_the_listener_down()
    {
        var timeouts = new DicomTimeouts { Artim = TimeSpan.FromMilliseconds(500), Dimse = TimeSpan.FromMilliseconds(500), Idle = TimeSpan.FromMilliseconds(500) };
        await using var loopback = Loopback.Loopback.Start(o => o.With(timeouts: timeouts, maxPdu: 16384));
        var item = SyntheticInstance.Create("2.25.4242", 3000);
        var dataset = await ReadAllAsync(item);
        var session = Concat(
            RawPdus.AssociateRequest("DRIMSCP", RawPdus.Verification(), RawPdus.Storage()),
            RawPdus.Command(1, DimseCommand.EchoRequest(1)),
            RawPdus.Command(3, DimseCommand.StoreRequest(2, SyntheticInstance.SopClass, "2.25.4242")),
            RawPdus.Pdv(3, command: false, last: false, dataset.AsSpan(0, 1000)),
            RawPdus.Pdv(3, command: false, last: true, dataset.AsSpan(1000)),
            RawPdus.ReleaseRequest());

        var clock = Stopwatch.StartNew();
        var cases = 0;
        for (var seed = 1; clock.Elapsed < TimeSpan.FromSeconds(10) && cases < 300; seed++, cases++)
        {
            var random = new Random(seed);
            using var peer = await RawPeer.ConnectAsync(loopback.Listener.Port);
            await peer.SendAsync(Mutate(session, random));
            peer.ShutdownSend();
            Assert.True(await peer.ClosedByServerWithinAsync(TimeSpan.FromSeconds(5)), $"seed {seed}: connection left open");
        }

        Assert.True(cases >= 50, $"only {cases} sessions in the time budget");
        await StorageTests.WaitUntilAsync(() => loopback.Listener.ActiveAssociations == 0);
        Assert.Equal(DimseStatus.Success, await DicomClient.EchoAsync(loopback.Client()));
        // Broken transfers leave nothing behind (a mutated but well-framed message is a valid, different dataset,
        // so stored files are not compared with the original).
        Assert.Empty(Directory.GetFiles(Path.Combine(loopback.Folder.Path, ".incoming")));
    }

    private static async Task<byte[]> ReadAllAsync(DicomStoreItem item)
    {
        var (stream, _) = await item.OpenAsync(CancellationToken.None);
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return memory.ToArray();
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    internal static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = original.ToList();
        for (var i = random.Next(1, 5); i > 0 && bytes.Count > 0; i--)
        {
            var position = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes[position] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes[position] = random.Next(2) == 0 ? (byte)0xFF : (byte)0x00;
                    break;
                case 2:
                    bytes.RemoveRange(position, Math.Min(bytes.Count - position, random.Next(1, 16)));
                    break;
                case 3:
                    bytes.InsertRange(position, Enumerable.Range(0, random.Next(1, 8)).Select(_ => (byte)random.Next(256)));
                    break;
                default:
                    bytes.RemoveRange(position, bytes.Count - position);
                    break;
            }
        }
        return [.. bytes];
    }
}
