namespace DrimCloud.Storage;

/// <summary>
/// Blob storage with one container per tenant. Every operation streams: nothing reads a whole object into memory.
/// Objects are immutable once created: <see cref="CreateAsync"/> never overwrites, and an object becomes visible only
/// when its content is completely and durably written.
/// </summary>
public interface IBlobStore
{
    /// <summary>
    /// Streams <paramref name="content"/> into a new object. Throws <see cref="BlobAlreadyExistsException"/> when the key
    /// exists. If the content stream fails or the process dies mid-way, no object is visible under the key.
    /// </summary>
    Task<StoredBlob> CreateAsync(string container, string key, Stream content, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens an object for reading, the whole of it or <paramref name="length"/> bytes from <paramref name="offset"/>.
    /// Throws <see cref="BlobNotFoundException"/> when it does not exist.
    /// </summary>
    Task<Stream> OpenReadAsync(string container, string key, long offset = 0, long? length = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens an object as a seekable stream that reads what is asked when it is asked (a file, or ranged reads of a
    /// remote blob), for parsers that jump over large values instead of reading them.
    /// Throws <see cref="BlobNotFoundException"/> when it does not exist.
    /// </summary>
    Task<Stream> OpenSeekableReadAsync(string container, string key, CancellationToken cancellationToken = default);

    /// <summary>Size and timestamps of an object, or null when it does not exist.</summary>
    Task<BlobInfo?> GetInfoAsync(string container, string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes an object; false when there was nothing to delete.</summary>
    Task<bool> DeleteAsync(string container, string key, CancellationToken cancellationToken = default);

    /// <summary>Lists the objects whose key starts with <paramref name="prefix"/>, in ordinal key order.</summary>
    IAsyncEnumerable<BlobInfo> ListAsync(string container, string prefix = "", CancellationToken cancellationToken = default);
}

/// <summary>What was written: size and SHA-256 computed while streaming.</summary>
public sealed record StoredBlob(string Key, long Length, string Sha256);

public sealed record BlobInfo(string Key, long Length, DateTimeOffset LastModified);

public sealed class BlobAlreadyExistsException(string container, string key)
    : IOException($"Blob '{key}' already exists in container '{container}'.")
{
    public string Container { get; } = container;
    public string Key { get; } = key;
}

public sealed class BlobNotFoundException(string container, string key)
    : IOException($"Blob '{key}' does not exist in container '{container}'.")
{
    public string Container { get; } = container;
    public string Key { get; } = key;
}
