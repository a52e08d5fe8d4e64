using System.Diagnostics;
using DrimCloud.Forwarder.Upload;

namespace DrimCloud.Forwarder.Tests;

public sealed class UploadPrimitivesTests
{
    [Fact]
    public void Backoff_doubles_up_to_the_ceiling_with_jitter_in_the_upper_half()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), new Random(42));
        var expectedCeilings = new[] { 1, 2, 4, 8, 16, 30, 30, 30 };
        foreach (var ceiling in expectedCeilings)
        {
            var delay = backoff.NextDelay();
            Assert.InRange(delay.TotalSeconds, ceiling / 2.0, ceiling);
        }
        backoff.Reset();
        Assert.InRange(backoff.NextDelay().TotalSeconds, 0.5, 1);
        // Many failures must not overflow.
        for (var i = 0; i < 10; i++) backoff.NextDelay();
        for (var i = 0; i < 200; i++) Assert.InRange(backoff.NextDelay().TotalSeconds, 15, 30);
    }

    [Fact]
    public void Backoff_jitter_spreads_forwarders_apart()
    {
        var delays = Enumerable.Range(0, 50).Select(seed =>
        {
            var b = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2), new Random(seed));
            for (var i = 0; i < 4; i++) b.NextDelay();
            return b.NextDelay();
        }).Distinct().Count();
        Assert.True(delays > 40);
    }

    [Fact]
    public async Task Token_bucket_holds_the_rate()
    {
        const long rate = 2_000_000; // 2 MB/s
        var bucket = new TokenBucket(rate, TimeProvider.System);
        var clock = Stopwatch.StartNew();
        long sent = 0;
        while (sent < 3 * rate) // 1 s of burst credit, then 2 s at the rate
        {
            await bucket.TakeAsync(64 * 1024, CancellationToken.None);
            sent += 64 * 1024;
        }
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 3.0);
    }

    [Fact]
    public async Task Throttled_stream_reads_everything_at_no_more_than_the_rate()
    {
        var data = new byte[600_000];
        Random.Shared.NextBytes(data);
        var bucket = new TokenBucket(400_000, TimeProvider.System);
        await bucket.TakeAsync(400_000, CancellationToken.None); // spend the initial burst
        var clock = Stopwatch.StartNew();
        using var throttled = new ThrottledReadStream(new MemoryStream(data), bucket);
        using var copy = new MemoryStream();
        await throttled.CopyToAsync(copy);
        Assert.Equal(data, copy.ToArray());
        Assert.True(clock.Elapsed.TotalSeconds >= 1.3, $"{clock.Elapsed.TotalSeconds} s");
    }

    [Fact]
    public void Unlimited_bucket_never_waits()
    {
        var bucket = new TokenBucket(0, TimeProvider.System);
        Assert.True(bucket.TakeAsync(int.MaxValue, CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public void Stow_response_sorts_stored_and_failed_instances()
    {
        var body = """
        {"00081190":{"vr":"UR","Value":["http://x/studies/1"]},
         "00081198":{"vr":"SQ","Value":[{"00081150":{"vr":"UI","Value":["1.2"]},"00081155":{"vr":"UI","Value":["9.1"]},"00081197":{"vr":"US","Value":[273]}},
                                        {"00081155":{"vr":"UI","Value":["9.2"]},"00081197":{"vr":"US","Value":[272]}}]},
         "00081199":{"vr":"SQ","Value":[{"00081155":{"vr":"UI","Value":["9.3"]}}]}}
        """;
        var r = StowResponse.Parse(body);
        Assert.Equal(["9.3"], r.Stored);
        Assert.Equal(0x0111, r.Failed["9.1"]);
        Assert.True(StowFailure.IsPermanent(r.Failed["9.1"]));
        Assert.False(StowFailure.IsPermanent(r.Failed["9.2"]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html>bad gateway</html>")]
    [InlineData("[1,2,3]")]
    [InlineData("""{"00081199":{"vr":"SQ","Value":[{"00081155":{"vr":"UI","Value":[7]}}]}}""")]
    [InlineData("""{"00081199":{"vr":"SQ","Value":"x"}}""")]
    [InlineData("""{"00081198":{"vr":"SQ","Value":[{"00081155":{"vr":"UI","Value":["1"]},"00081197":{"vr":"US","Value":[-5]}}]}}""")]
    public void Stow_response_odd_bodies_confirm_nothing(string body)
    {
        var r = StowResponse.Parse(body);
        Assert.Empty(r.Stored);
        Assert.All(r.Failed.Values, v => Assert.False(StowFailure.IsPermanent(v)));
    }

    [Fact]
    public void Stow_response_parser_survives_random_mutations()
    {
        const string seed = """{"00081199":{"vr":"SQ","Value":[{"00081155":{"vr":"UI","Value":["9.3"]}}]},"00081198":{"vr":"SQ","Value":[{"00081155":{"vr":"UI","Value":["9.1"]},"00081197":{"vr":"US","Value":[273]}}]}}""";
        var random = new Random(7);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(2))
        {
            var chars = seed.ToCharArray();
            for (var i = random.Next(1, 6); i > 0; i--) chars[random.Next(chars.Length)] = (char)random.Next(32, 127);
            var r = StowResponse.Parse(new string(chars)); // never throws
            Assert.True(r.Stored.Count <= 1);
        }
    }
}
