using System.Security.Cryptography;
using DrimCloud.Dicom.Network.Tests.Infrastructure;

namespace DrimCloud.Dicom.Network.Tests.Loopback;

public class StorageTests
{
    [Fact]
    public async Task Echo_succeeds()
    {
        await using var loopback = Loopback.Start();

        Assert.Equal(DimseStatus.Success, await DicomClient.EchoAsync(loopback.Client()));
    }

    [SkippableFact]
    public async Task Corpus_files_arrive_byte_identical_in_their_own_transfer_syntax()
    {
        var files = Corpus.StorableByDcmtk();
        await using var loopback = Loopback.Start();
        var items = files.Select(f => DicomStoreItem.FromFile(f.Path)).ToList();
        var proposal = new AssociationProposal();
        Assert.Empty(proposal.AddStorage(items));

        await using (var association = await DicomClient.ConnectAsync(loopback.Client(), proposal))
        {
            foreach (var item in items)
            {
                var result = await association.StoreAsync(item);
                Assert.True(result.IsSuccess, result.ToString());
            }
            await association.ReleaseAsync();
        }

        foreach (var item in items)
        {
            var received = loopback.Storage.PathFor(item.SopInstanceUid);
            Assert.Equal(DatasetBytes.AsSent(item.SourcePath!), DatasetBytes.Of(received));
            Assert.Equal(item.TransferSyntaxUid, DatasetBytes.MetaString(received, 0x0010));
        }
        Assert.Empty(Directory.GetFiles(Path.Combine(loopback.Folder.Path, ".incoming")));
    }

    [Fact]
    public async Task Requests_overlap_up_to_the_negotiated_window()
    {
        await using var loopback = Loopback.Start();
        var options = new DicomClientOptions
        {
            Host = "127.0.0.1",
            Port = loopback.Listener.Port,
            CallingAeTitle = "DRIMSCU",
            CalledAeTitle = "DRIMSCP",
            AsyncOperations = new AsyncOperationsWindow(8, 1),
        };
        var items = Enumerable.Range(1, 40).Select(i => SyntheticInstance.Create($"2.25.{1000 + i}", 20_000)).ToList();
        var proposal = new AssociationProposal();
        proposal.AddStorage(items);

        await using var association = await DicomClient.ConnectAsync(options, proposal);
        var results = await Task.WhenAll(items.Select(item => association.StoreAsync(item)));

        Assert.Equal(8, association.AsyncOperations.MaxOperationsInvoked);
        Assert.All(results, r => Assert.True(r.IsSuccess, r.ToString()));
        Assert.Equal(40, Directory.GetFiles(loopback.Folder.Path, "*.dcm").Length);
    }

    [Fact]
    public async Task A_large_dataset_reaches_the_handler_while_it_is_still_being_sent()
    {
        // The sender stalls half way until the receiver's handler has seen data: if the SCP buffered whole
        // datasets before handing them over, this would never complete.
        const long size = 64L * 1024 * 1024;
        var received = new ProgressSignal(16 * 1024 * 1024);
        var handler = new HashingHandler(received);
        await using var loopback = Loopback.Start(o => o.With(storage: handler));
        var source = new PatternStream(size, stallAt: size / 2, waitFor: received.Reached);
        var item = DicomStoreItem.FromStream(SyntheticInstance.SopClass, "2.25.77", KnownTransferSyntaxes.ExplicitVRLittleEndian, _ => ValueTask.FromResult<Stream>(source), size);
        var proposal = new AssociationProposal();
        proposal.AddStorage([item]);

        await using var association = await DicomClient.ConnectAsync(loopback.Client(), proposal);
        var result = await association.StoreAsync(item);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(size, handler.Length);
        Assert.Equal(PatternStream.Sha256Of(size), handler.Hash);
    }

    [Fact]
    public async Task A_transfer_broken_mid_dataset_leaves_no_file_and_the_listener_keeps_serving()
    {
        await using var loopback = Loopback.Start();
        var failing = new PatternStream(8 * 1024 * 1024, failAt: 3 * 1024 * 1024);
        var item = DicomStoreItem.FromStream(SyntheticInstance.SopClass, "2.25.78", KnownTransferSyntaxes.ExplicitVRLittleEndian, _ => ValueTask.FromResult<Stream>(failing), 8 * 1024 * 1024);
        var proposal = new AssociationProposal();
        proposal.AddStorage([item]);

        await using (var association = await DicomClient.ConnectAsync(loopback.Client(), proposal))
        {
            await Assert.ThrowsAsync<IOException>(() => association.StoreAsync(item));
            Assert.Equal(AssociationState.Closed, association.State);
        }

        Assert.Equal(DimseStatus.Success, await DicomClient.EchoAsync(loopback.Client()));
        await WaitUntilAsync(() => loopback.Listener.ActiveAssociations == 0);
        Assert.Empty(Directory.GetFiles(loopback.Folder.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task An_instance_without_an_accepted_context_is_reported_not_sent()
    {
        await using var loopback = Loopback.Start(o => o.With());
        var item = SyntheticInstance.Create("2.25.79", 100);
        var proposal = new AssociationProposal().AddVerification();

        await using var association = await DicomClient.ConnectAsync(loopback.Client(), proposal);
        var result = await association.StoreAsync(item);

        Assert.False(result.Sent);
        Assert.Contains("no presentation context", result.ErrorComment, StringComparison.Ordinal);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, int timeoutMs = 5000)
    {
        for (var waited = 0; !condition(); waited += 20)
        {
            if (waited > timeoutMs)
                Assert.Fail("Condition not reached in time.");
            await Task.Delay(20);
        }
    }

    /// <summary>Storage handler that hashes what it receives and signals progress.</summary>
    private sealed class HashingHandler(ProgressSignal progress) : IDicomStorageHandler
    {
        public long Length { get; private set; }

        public byte[] Hash { get; private set; } = [];

        public async ValueTask<DimseOutcome> StoreAsync(DicomStoreRequest request, Stream dataSet, CancellationToken cancellationToken)
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[256 * 1024];
            int read;
            while ((read = await dataSet.ReadAsync(buffer, cancellationToken)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                Length += read;
                progress.Report(Length);
            }
            Hash = sha.GetHashAndReset();
            return DimseOutcome.Success;
        }
    }
}
