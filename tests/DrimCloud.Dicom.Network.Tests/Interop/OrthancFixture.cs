using DrimCloud.Dicom.Network.Tests.Infrastructure;

namespace DrimCloud.Dicom.Network.Tests.Interop;

/// <summary>
/// One Orthanc for the Orthanc tests, holding the dicomdirtests hierarchy (3 patients, their studies and series),
/// and our listener "DRIMDEST" that Orthanc knows as a C-MOVE destination. A missing Orthanc is recorded, and
/// each test then skips (or fails under CI) with the reason.
/// </summary>
public sealed class OrthancFixture : IAsyncLifetime
{
    private TempDirectory? _destinationFolder;
    private Exception? _unavailable;

    internal OrthancPeer Orthanc { get; private set; } = null!;

    internal DicomListener Destination { get; private set; } = null!;

    internal DicomFolderStorageHandler DestinationStorage { get; private set; } = null!;

    internal IReadOnlyList<string> Hierarchy { get; private set; } = [];

    public async Task InitializeAsync()
    {
        try
        {
            _destinationFolder = new TempDirectory();
            DestinationStorage = new DicomFolderStorageHandler(_destinationFolder.Path, new DicomFolderStorageOptions { Fsync = false });
            Destination = DicomListener.Start(new DicomListenerOptions { AeTitle = "DRIMDEST", Storage = DestinationStorage });
            Orthanc = await OrthancPeer.StartAsync(new Dictionary<string, int> { ["DRIMSCU"] = Destination.Port, ["DRIMDEST"] = Destination.Port });

            Hierarchy = [.. Directory.GetFiles(Corpus.DicomDirTests, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("DICOMDIR", StringComparison.Ordinal))];
            var items = Hierarchy.Select(DicomStoreItem.FromFile).ToList();
            var proposal = new AssociationProposal();
            proposal.AddStorage(items);
            await using var association = await DicomClient.ConnectAsync(Orthanc.Client(), proposal);
            foreach (var item in items)
            {
                var result = await association.StoreAsync(item);
                if (!result.IsSuccess)
                    throw new InvalidOperationException($"Orthanc refused a test instance: {result}");
            }
            await association.ReleaseAsync();
        }
        catch (Exception e)
        {
            _unavailable = e;
        }
    }

    /// <summary>Skips (or, under CI, fails) when Orthanc could not be prepared.</summary>
    internal void Require()
    {
        if (_unavailable is Xunit.SkipException skip)
            throw skip;
        if (_unavailable is not null)
            throw new InvalidOperationException("Orthanc fixture failed to start.", _unavailable);
    }

    public async Task DisposeAsync()
    {
        if (Orthanc is not null)
            await Orthanc.DisposeAsync();
        if (Destination is not null)
            await Destination.DisposeAsync();
        _destinationFolder?.Dispose();
    }
}
