using System.Security.Cryptography;
using DrimCloud.Storage;

namespace DrimCloud.Storage.Tests;

/// <summary>
/// The contract every blob store keeps, run against each implementation: the file system and a real Azurite.
/// </summary>
public abstract class BlobStoreContractTests
{
    protected abstract IBlobStore Store { get; }

    /// <summary>A fresh container per test, so tests never see each other's objects.</summary>
    protected string Container { get; } = BlobNames.ContainerFor(Guid.NewGuid());

    protected virtual void RequirePeer() { }

    [SkippableFact]
    public async Task A_200_MB_object_round_trips_with_bounded_memory()
    {
        RequirePeer();
        const long size = 200L * 1024 * 1024;
        using var sampler = new ManagedMemorySampler();

        var stored = await Store.CreateAsync(Container, "big/object.bin", new PatternStream(size, seed: 7));
        Assert.Equal(size, stored.Length);
        Assert.Equal(PatternStream.Sha256Of(size, seed: 7), stored.Sha256);

        await using (var read = await Store.OpenReadAsync(Container, "big/object.bin"))
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[81920];
            long total = 0;
            int n;
            while ((n = await read.ReadAsync(buffer)) > 0)
            {
                sha.AppendData(buffer, 0, n);
                total += n;
            }
            Assert.Equal(size, total);
            Assert.Equal(stored.Sha256, Convert.ToHexStringLower(sha.GetHashAndReset()));
        }

        // Streaming means the managed heap never grows by anything near the object's size.
        Assert.True(sampler.PeakGrowthBytes < 64L * 1024 * 1024, $"managed heap grew by {sampler.PeakGrowthBytes / 1024 / 1024} MB while moving 200 MB");
    }

    [SkippableFact]
    public async Task Creating_an_existing_key_is_refused_and_keeps_the_original()
    {
        RequirePeer();
        await Store.CreateAsync(Container, "a/b/c", Bytes("first"));
        var e = await Assert.ThrowsAsync<BlobAlreadyExistsException>(() => Store.CreateAsync(Container, "a/b/c", Bytes("second")));
        Assert.Equal("a/b/c", e.Key);
        Assert.Equal("first", await ReadAllText("a/b/c"));
    }

    [SkippableFact]
    public async Task Concurrent_creates_of_one_key_let_exactly_one_win()
    {
        RequirePeer();
        var attempts = Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await Store.CreateAsync(Container, "race/key", new PatternStream(256 * 1024, seed: i));
                return i;
            }
            catch (BlobAlreadyExistsException)
            {
                return -1;
            }
        });
        var winners = (await Task.WhenAll(attempts)).Where(i => i >= 0).ToList();
        Assert.Single(winners);
        var info = await Store.GetInfoAsync(Container, "race/key");
        Assert.Equal(256 * 1024, info!.Length);
        await using var read = await Store.OpenReadAsync(Container, "race/key");
        Assert.Equal(PatternStream.Sha256Of(256 * 1024, winners[0]), await Sha256Of(read));
    }

    [SkippableFact]
    public async Task A_failed_upload_leaves_no_visible_object()
    {
        RequirePeer();
        // The source dies after 9 MB (several blocks/buffers written): a crash as seen from the store.
        var failing = new PatternStream(50L * 1024 * 1024, seed: 3, failAfter: 9L * 1024 * 1024);
        await Assert.ThrowsAsync<IOException>(() => Store.CreateAsync(Container, "partial/object", failing));

        Assert.Null(await Store.GetInfoAsync(Container, "partial/object"));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.OpenReadAsync(Container, "partial/object"));
        Assert.Empty(await List(""));

        // And the key is still free for a complete upload.
        await Store.CreateAsync(Container, "partial/object", Bytes("complete"));
        Assert.Equal("complete", await ReadAllText("partial/object"));
    }

    [SkippableFact]
    public async Task Delete_removes_once()
    {
        RequirePeer();
        await Store.CreateAsync(Container, "d/one", Bytes("x"));
        Assert.True(await Store.DeleteAsync(Container, "d/one"));
        Assert.False(await Store.DeleteAsync(Container, "d/one"));
        Assert.Null(await Store.GetInfoAsync(Container, "d/one"));
        Assert.False(await Store.DeleteAsync(BlobNames.ContainerFor(Guid.NewGuid()), "never/created"));
    }

    [SkippableFact]
    public async Task List_by_prefix_returns_matching_keys_in_order_with_sizes()
    {
        RequirePeer();
        foreach (var key in new[] { "1.2.3/1.2.3.2/9", "1.2.3/1.2.3.1/2", "1.2.3/1.2.3.1/10", "1.2.4/1/1", "1.2.30/1/1" })
            await Store.CreateAsync(Container, key, Bytes(key));

        Assert.Equal(["1.2.3/1.2.3.1/10", "1.2.3/1.2.3.1/2", "1.2.3/1.2.3.2/9"], (await List("1.2.3/")).Select(b => b.Key));
        Assert.Equal(["1.2.3/1.2.3.1/10", "1.2.3/1.2.3.1/2"], (await List("1.2.3/1.2.3.1/")).Select(b => b.Key));
        Assert.Equal(5, (await List("")).Count);
        Assert.Equal(["1.2.3/1.2.3.1/10", "1.2.3/1.2.3.1/2", "1.2.3/1.2.3.2/9", "1.2.30/1/1"], (await List("1.2.3")).Select(b => b.Key));
        Assert.Equal("1.2.4/1/1".Length, (await List("1.2.4/")).Single().Length);
        Assert.Empty(await List("9/"));
        Assert.Empty(await ListIn(BlobNames.ContainerFor(Guid.NewGuid()), ""));
    }

    [SkippableFact]
    public async Task Ranges_read_exactly_the_requested_bytes()
    {
        RequirePeer();
        await Store.CreateAsync(Container, "r/range", Bytes("0123456789"));
        Assert.Equal("3456", await ReadAllText("r/range", 3, 4));
        Assert.Equal("789", await ReadAllText("r/range", 7, null));
        Assert.Equal("89", await ReadAllText("r/range", 8, 100));
        Assert.Equal("", await ReadAllText("r/range", 4, 0));
    }

    [SkippableFact]
    public async Task Seekable_reads_jump_to_any_position()
    {
        RequirePeer();
        await Store.CreateAsync(Container, "s/seek", new PatternStream(3 * 1024 * 1024, seed: 11));
        var expected = new byte[3 * 1024 * 1024];
        new PatternStream(expected.Length, seed: 11).ReadExactly(expected);
        await using var s = await Store.OpenSeekableReadAsync(Container, "s/seek");
        Assert.True(s.CanSeek);
        Assert.Equal(expected.Length, s.Length);
        var buffer = new byte[100];
        foreach (var at in new long[] { 2_500_000, 10, 1_048_570, 3 * 1024 * 1024 - 100 })
        {
            s.Seek(at, SeekOrigin.Begin);
            await s.ReadExactlyAsync(buffer);
            Assert.Equal(expected.AsSpan((int)at, 100).ToArray(), buffer);
        }
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.OpenSeekableReadAsync(Container, "s/none"));
    }

    [SkippableFact]
    public async Task Containers_are_independent()
    {
        RequirePeer();
        var other = BlobNames.ContainerFor(Guid.NewGuid());
        await Store.CreateAsync(Container, "same/key", Bytes("tenant A"));
        await Store.CreateAsync(other, "same/key", Bytes("tenant B"));
        Assert.Equal("tenant A", await ReadAllText("same/key"));
        Assert.True(await Store.DeleteAsync(other, "same/key"));
        Assert.Equal("tenant A", await ReadAllText("same/key"));
    }

    [SkippableTheory]
    [InlineData("../escape")]
    [InlineData("a/../../b")]
    [InlineData("/absolute")]
    [InlineData("a//b")]
    [InlineData("a\\b")]
    [InlineData("")]
    public async Task Keys_that_could_escape_or_collide_are_rejected(string key)
    {
        RequirePeer();
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CreateAsync(Container, key, Bytes("x")));
    }

    [SkippableFact]
    public async Task Missing_objects_are_reported_as_such()
    {
        RequirePeer();
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.OpenReadAsync(Container, "nope/nothing"));
        Assert.Null(await Store.GetInfoAsync(Container, "nope/nothing"));
    }

    protected static MemoryStream Bytes(string text) => new(System.Text.Encoding.UTF8.GetBytes(text));

    protected async Task<List<BlobInfo>> List(string prefix) => await ListIn(Container, prefix);

    private async Task<List<BlobInfo>> ListIn(string container, string prefix)
    {
        var all = new List<BlobInfo>();
        await foreach (var b in Store.ListAsync(container, prefix)) all.Add(b);
        return all;
    }

    private async Task<string> ReadAllText(string key, long offset = 0, long? length = null)
    {
        await using var s = await Store.OpenReadAsync(Container, key, offset, length);
        using var reader = new StreamReader(s);
        return await reader.ReadToEndAsync();
    }

    private static async Task<string> Sha256Of(Stream s) => Convert.ToHexStringLower(await SHA256.HashDataAsync(s));
}
