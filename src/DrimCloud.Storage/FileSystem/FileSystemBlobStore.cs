using System.Buffers;
using System.Runtime.CompilerServices;

namespace DrimCloud.Storage.FileSystem;

/// <summary>
/// Blobs as files: <c>{root}/{container}/{key}</c>. An object is written to <c>{root}/.incoming/</c>, fsync'd, then
/// linked into place atomically without overwrite, and the directory is fsync'd: a crash at any point leaves either
/// no object or the complete one. Leftovers in <c>.incoming</c> are never listed and are swept at start-up.
/// </summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    private const int BufferSize = 128 * 1024;
    private const string IncomingFolder = ".incoming";
    private readonly string _root;
    private readonly string _incoming;

    public FileSystemBlobStore(string root)
    {
        _root = Path.GetFullPath(root);
        _incoming = Path.Combine(_root, IncomingFolder);
        Directory.CreateDirectory(_incoming);
        SweepIncoming(TimeSpan.FromHours(1));
    }

    public string Root => _root;

    public async Task<StoredBlob> CreateAsync(string container, string key, Stream content, CancellationToken cancellationToken = default)
    {
        var path = PathOf(container, key);
        if (File.Exists(path)) throw new BlobAlreadyExistsException(container, key);

        var temp = Path.Combine(_incoming, Guid.NewGuid().ToString("N"));
        var hashing = HashingReadStream.Over(content);
        try
        {
            await WriteDurablyAsync(hashing, temp, cancellationToken);
            var folder = Path.GetDirectoryName(path)!;
            Directory.CreateDirectory(folder);
            try
            {
                // File.Move without overwrite is link(2) + unlink(2) on Unix: atomic and never clobbers.
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                throw new BlobAlreadyExistsException(container, key);
            }
            DirectorySync.Flush(folder);
            var (length, sha256) = HashingReadStream.ResultOf(hashing);
            return new StoredBlob(key, length, sha256);
        }
        finally
        {
            if (!ReferenceEquals(hashing, content)) await hashing.DisposeAsync();
            TryDelete(temp);
        }
    }

    /// <summary>
    /// Copies into an unbuffered file through one pooled buffer: FileStream's own buffer would copy every byte once
    /// more, and the data is fsync'd before anyone reads it, so nothing gains from it. Writes are synchronous: a
    /// 128 KB write into the page cache is shorter than the thread-pool hop of an "asynchronous" file write on Linux.
    /// </summary>
    private static async Task WriteDurablyAsync(Stream content, string temp, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.None);
            // The buffer is filled before each write: a request body arrives a few KB per read, and one write(2) per
            // read was over a hundred system calls (and file-system write paths) for a 530 KB instance.
            int filled = 0, n;
            while ((n = await content.ReadAsync(buffer.AsMemory(filled, BufferSize - filled), cancellationToken)) > 0)
            {
                filled += n;
                if (filled < BufferSize) continue;
                file.Write(buffer, 0, filled);
                filled = 0;
            }
            if (filled > 0) file.Write(buffer, 0, filled);
            file.Flush(flushToDisk: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public Task<Stream> OpenReadAsync(string container, string key, long offset = 0, long? length = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is < 0) throw new ArgumentOutOfRangeException(nameof(length));
        var path = PathOf(container, key);
        FileStream file;
        try
        {
            // Unbuffered (bufferSize 0): readers copy through buffers of their own, so a per-open 128 KB buffer only cost an allocation and a copy.
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BlobNotFoundException(container, key);
        }
        if (offset == 0 && length is null) return Task.FromResult<Stream>(file);
        return Task.FromResult<Stream>(new RangeReadStream(file, offset, length));
    }

    public Task<Stream> OpenSeekableReadAsync(string container, string key, CancellationToken cancellationToken = default)
    {
        try
        {
            return Task.FromResult<Stream>(new FileStream(PathOf(container, key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 16 * 1024, FileOptions.Asynchronous | FileOptions.RandomAccess));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BlobNotFoundException(container, key);
        }
    }

    public Task<BlobInfo?> GetInfoAsync(string container, string key, CancellationToken cancellationToken = default)
    {
        var info = new FileInfo(PathOf(container, key));
        return Task.FromResult(info.Exists ? new BlobInfo(key, info.Length, info.LastWriteTimeUtc) : null);
    }

    public Task<bool> DeleteAsync(string container, string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(container, key);
        if (!File.Exists(path)) return Task.FromResult(false);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            return Task.FromResult(false);
        }
        DirectorySync.Flush(Path.GetDirectoryName(path)!);
        return Task.FromResult(true);
    }

    public async IAsyncEnumerable<BlobInfo> ListAsync(string container, string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobNames.ValidateContainer(container);
        BlobNames.ValidatePrefix(prefix);
        var containerPath = Path.Combine(_root, container);
        // Start from the deepest folder the prefix names, so listing one study does not walk the whole tenant.
        var slash = prefix.LastIndexOf('/');
        var start = slash < 0 ? containerPath : Path.Combine(containerPath, prefix[..slash]);
        if (!Directory.Exists(start)) yield break;

        var keys = new List<(string Key, FileInfo File)>();
        foreach (var file in new DirectoryInfo(start).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(containerPath, file.FullName).Replace('\\', '/');
            if (key.StartsWith(prefix, StringComparison.Ordinal)) keys.Add((key, file));
        }
        keys.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (var (key, file) in keys)
        {
            yield return new BlobInfo(key, file.Length, file.LastWriteTimeUtc);
        }
        await Task.CompletedTask;
    }

    private string PathOf(string container, string key)
    {
        BlobNames.ValidateContainer(container);
        BlobNames.ValidateKey(key);
        return Path.Combine(_root, container, key.Replace('/', Path.DirectorySeparatorChar));
    }

    // Temp files older than the age limit belong to uploads that died with their process.
    private void SweepIncoming(TimeSpan age)
    {
        foreach (var file in new DirectoryInfo(_incoming).EnumerateFiles())
        {
            if (DateTime.UtcNow - file.LastWriteTimeUtc > age) TryDelete(file.FullName);
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
