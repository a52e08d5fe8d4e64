using System.Text;
using DrimCloud.Forwarder.Upload;

namespace DrimCloud.Forwarder.Tests;

public sealed class StowContentTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("stow-content-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WriteFile(int index, int length)
    {
        var bytes = new byte[length];
        new Random(index).NextBytes(bytes);
        var path = Path.Combine(_folder, $"{index}.dcm");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public async Task Body_carries_every_file_whole_with_its_length()
    {
        var files = new[] { WriteFile(1, 300_000), WriteFile(2, 0), WriteFile(3, 70_001) };
        using var content = new StowContent(files, new TokenBucket(0, TimeProvider.System));
        using var body = new MemoryStream();
        await content.CopyToAsync(body);

        var text = Encoding.Latin1.GetString(body.ToArray());
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.Contains($"Content-Length: {bytes.Length}\r\n\r\n{Encoding.Latin1.GetString(bytes)}\r\n--", text, StringComparison.Ordinal);
        }
        Assert.Equal(370_001, content.BytesWritten);
    }

    [Fact]
    public async Task Files_are_read_without_a_thread_pool_hop_per_read()
    {
        // ~60 reads of 64 KiB. An asynchronous file read on Linux is a thread-pool work item: the copy could not have
        // finished by the time CopyToAsync returns. Read synchronously from the page cache, it has.
        var files = Enumerable.Range(1, 6).Select(i => WriteFile(i, 640 * 1024)).ToList();
        using var content = new StowContent(files, new TokenBucket(0, TimeProvider.System));
        using var body = new MemoryStream();
        var copy = content.CopyToAsync(body);
        Assert.True(copy.IsCompleted, "the body was not written synchronously");
        await copy;
        Assert.Equal(6 * 640 * 1024, content.BytesWritten);
    }

    [Fact]
    public async Task Request_length_is_known_beforehand_and_exact()
    {
        // Known, the request goes with Content-Length instead of chunked (a chunk header and a send per 64 KiB write).
        var files = new[] { WriteFile(1, 300_000), WriteFile(2, 0), WriteFile(3, 70_001) };
        using var content = new StowContent(files, new TokenBucket(0, TimeProvider.System));
        var announced = content.Headers.ContentLength;
        Assert.NotNull(announced);
        using var body = new MemoryStream();
        await content.CopyToAsync(body);
        Assert.Equal(body.Length, announced);
        Assert.Equal(370_001, content.BytesWritten);
    }

    [Fact]
    public void A_missing_file_leaves_the_length_unknown()
    {
        // Sent chunked then, and the copy itself reports the missing file, as it always did.
        using var content = new StowContent([WriteFile(1, 10), Path.Combine(_folder, "gone.dcm")], new TokenBucket(0, TimeProvider.System));
        Assert.Null(content.Headers.ContentLength);
    }
}
