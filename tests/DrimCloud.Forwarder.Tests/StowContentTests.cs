using System.Text;
using DrimCloud.Forwarder.Upload;

namespace DrimCloud.Forwarder.Tests;

public sealed class StowContentTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("stow-content-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (string Path, long Length) WriteFile(int index, int length)
    {
        var bytes = new byte[length];
        new Random(index).NextBytes(bytes);
        var path = Path.Combine(_folder, $"{index}.dcm");
        File.WriteAllBytes(path, bytes);
        return (path, length);
    }

    [Fact]
    public async Task Body_carries_every_file_whole_with_its_length()
    {
        var files = new[] { WriteFile(1, 300_000), WriteFile(2, 0), WriteFile(3, 70_001) };
        using var content = new StowContent(files, new TokenBucket(0, TimeProvider.System));
        using var body = new MemoryStream();
        await content.CopyToAsync(body);

        var text = Encoding.Latin1.GetString(body.ToArray());
        foreach (var (file, _) in files)
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
    public async Task Only_the_instance_is_sent_from_a_spare_that_held_a_longer_one()
    {
        // A spare written in place keeps an earlier, longer instance's bytes after the new one (SpoolFileSink.Persist).
        var (path, _) = WriteFile(1, 1_000);
        var bytes = await File.ReadAllBytesAsync(path);
        using var content = new StowContent([(path, 600)], new TokenBucket(0, TimeProvider.System));
        using var body = new MemoryStream();
        await content.CopyToAsync(body);

        var text = Encoding.Latin1.GetString(body.ToArray());
        Assert.Contains($"Content-Length: 600\r\n\r\n{Encoding.Latin1.GetString(bytes, 0, 600)}\r\n--", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Encoding.Latin1.GetString(bytes, 600, 40), text, StringComparison.Ordinal);
        Assert.Equal(body.Length, content.Headers.ContentLength);
        Assert.Equal(600, content.BytesWritten);
    }

    [Fact]
    public async Task A_missing_or_short_file_fails_the_copy()
    {
        // The length comes from the spool's records, so it is known; sending is what finds the file gone or cut.
        using var gone = new StowContent([WriteFile(1, 10), (Path.Combine(_folder, "gone.dcm"), 10)], new TokenBucket(0, TimeProvider.System));
        var missing = await Assert.ThrowsAnyAsync<Exception>(() => gone.CopyToAsync(new MemoryStream()));
        Assert.IsAssignableFrom<IOException>(missing as IOException ?? missing.InnerException);
        var (path, _) = WriteFile(2, 100);
        using var cut = new StowContent([(path, 101)], new TokenBucket(0, TimeProvider.System));
        var shorter = await Assert.ThrowsAnyAsync<Exception>(() => cut.CopyToAsync(new MemoryStream()));
        Assert.Contains("fewer bytes", (shorter as IOException ?? shorter.InnerException)?.Message, StringComparison.Ordinal);
    }
}
