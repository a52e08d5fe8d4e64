using DrimCloud.Storage.Azure;
using DrimCloud.Storage.FileSystem;
using DrimCloud.Tests;
using global::Azure.Storage.Blobs;

namespace DrimCloud.Storage.Tests;

// The large round trips would measure each other's memory if they ran at once.
[CollectionDefinition("blob stores", DisableParallelization = true)]
public sealed class BlobStoreCollection;

[Collection("blob stores")]
public sealed class FileSystemBlobStoreTests : BlobStoreContractTests, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"drimcloud-blobs-{Guid.NewGuid():N}");
    private readonly FileSystemBlobStore _store;

    public FileSystemBlobStoreTests() => _store = new FileSystemBlobStore(_root);

    protected override IBlobStore Store => _store;

    [Fact]
    public async Task A_temp_file_left_by_a_crashed_upload_is_never_listed_or_read()
    {
        // What a process killed mid-upload leaves behind: a file in the incoming folder, never in the container.
        await File.WriteAllTextAsync(Path.Combine(_root, ".incoming", Guid.NewGuid().ToString("N")), "half an object");
        Assert.Empty(await List(""));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.OpenReadAsync(Container, "anything/here"));
    }

    [Fact]
    public async Task Objects_are_files_under_their_container()
    {
        await Store.CreateAsync(Container, "1.2/3.4/5.6", Bytes("dicom"));
        Assert.Equal("dicom", await File.ReadAllTextAsync(Path.Combine(_root, Container, "1.2", "3.4", "5.6")));
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}

[Collection("blob stores")]
public sealed class AzureBlobStoreTests : BlobStoreContractTests
{
    private readonly string? _connectionString = TestEnvironment.AzuriteConnectionString;
    private AzureBlobStore? _store;

    protected override IBlobStore Store => _store ??= new AzureBlobStore(new BlobServiceClient(_connectionString));

    protected override void RequirePeer() => TestEnvironment.Require(_connectionString, "Azurite");
}
