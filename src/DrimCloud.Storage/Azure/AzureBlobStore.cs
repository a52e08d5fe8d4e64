using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using global::Azure;
using global::Azure.Storage;
using global::Azure.Storage.Blobs;
using global::Azure.Storage.Blobs.Models;

namespace DrimCloud.Storage.Azure;

/// <summary>
/// Blobs in Azure Storage (Azurite in tests), one container per tenant. Uploads go as staged blocks committed at the
/// end with If-None-Match: *, so a partial upload is never visible and an existing blob is never overwritten.
/// Memory per upload is bounded by the block size.
/// </summary>
public sealed class AzureBlobStore(BlobServiceClient service) : IBlobStore
{
    // 4 MiB blocks, one in flight: a few MiB of buffer per upload, whatever the object size.
    private static readonly StorageTransferOptions Transfer = new()
    {
        InitialTransferSize = 4 * 1024 * 1024,
        MaximumTransferSize = 4 * 1024 * 1024,
        MaximumConcurrency = 1,
    };

    private readonly ConcurrentDictionary<string, Task> _created = new(StringComparer.Ordinal);

    public async Task<StoredBlob> CreateAsync(string container, string key, Stream content, CancellationToken cancellationToken = default)
    {
        var blob = await BlobAsync(container, key, create: true, cancellationToken);
        var hashing = HashingReadStream.Over(content);
        try
        {
            await blob.UploadAsync(hashing, new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                TransferOptions = Transfer,
            }, cancellationToken);
            var (length, sha256) = HashingReadStream.ResultOf(hashing);
            return new StoredBlob(key, length, sha256);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            throw new BlobAlreadyExistsException(container, key);
        }
        finally
        {
            // Only a wrapper made here is ours to dispose; the caller owns the content stream.
            if (!ReferenceEquals(hashing, content)) await hashing.DisposeAsync();
        }
    }

    public async Task<Stream> OpenReadAsync(string container, string key, long offset = 0, long? length = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is < 0) throw new ArgumentOutOfRangeException(nameof(length));
        var blob = await BlobAsync(container, key, create: false, cancellationToken);
        if (length == 0) return Stream.Null;
        try
        {
            var response = await blob.DownloadStreamingAsync(new BlobDownloadOptions { Range = new HttpRange(offset, length) }, cancellationToken);
            return response.Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new BlobNotFoundException(container, key);
        }
        catch (RequestFailedException e) when (e.Status == 416)
        {
            return Stream.Null; // offset at or past the end: an empty range, as for files
        }
    }

    public async Task<Stream> OpenSeekableReadAsync(string container, string key, CancellationToken cancellationToken = default)
    {
        var blob = await BlobAsync(container, key, create: false, cancellationToken);
        try
        {
            // The SDK's read stream is seekable and fetches 1 MiB ranges on demand.
            return await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { BufferSize = 1024 * 1024 }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new BlobNotFoundException(container, key);
        }
    }

    public async Task<BlobInfo?> GetInfoAsync(string container, string key, CancellationToken cancellationToken = default)
    {
        var blob = await BlobAsync(container, key, create: false, cancellationToken);
        try
        {
            var props = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            return new BlobInfo(key, props.ContentLength, props.LastModified);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<bool> DeleteAsync(string container, string key, CancellationToken cancellationToken = default)
    {
        var blob = await BlobAsync(container, key, create: false, cancellationToken);
        try
        {
            return (await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false; // the container itself does not exist
        }
    }

    public async IAsyncEnumerable<BlobInfo> ListAsync(string container, string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobNames.ValidateContainer(container);
        BlobNames.ValidatePrefix(prefix);
        var client = service.GetBlobContainerClient(container);
        var pages = client.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix.Length == 0 ? null : prefix }, cancellationToken);
        var enumerator = pages.GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                BlobItem item;
                try
                {
                    if (!await enumerator.MoveNextAsync()) yield break;
                    item = enumerator.Current;
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    yield break; // no container yet: nothing stored for this tenant
                }
                yield return new BlobInfo(item.Name, item.Properties.ContentLength ?? 0, item.Properties.LastModified ?? default);
            }
        }
        finally
        {
            await enumerator.DisposeAsync();
        }
    }

    private async Task<BlobClient> BlobAsync(string container, string key, bool create, CancellationToken cancellationToken)
    {
        BlobNames.ValidateContainer(container);
        BlobNames.ValidateKey(key);
        var client = service.GetBlobContainerClient(container);
        if (create)
        {
            var creation = _created.GetOrAdd(container, _ => client.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None));
            try
            {
                await creation.WaitAsync(cancellationToken);
            }
            catch (RequestFailedException)
            {
                _created.TryRemove(container, out _);
                throw;
            }
        }
        return client.GetBlobClient(key);
    }
}
