using DrimCloud.Api.Infrastructure;

namespace DrimCloud.Api.Tests.Infrastructure;

/// <summary>The transport buffer pool: a block is never handed to two renters at once, even when a lease is disposed twice.</summary>
public sealed class LargeBlockMemoryPoolTests
{
    [Fact]
    public void A_lease_disposed_twice_returns_its_block_once()
    {
        using var pool = new LargeBlockMemoryPool();
        var lease = pool.Rent();
        var block = lease.Memory;
        lease.Dispose();
        lease.Dispose();

        using var first = pool.Rent();
        using var second = pool.Rent();

        Assert.True(first.Memory.Span.Overlaps(block.Span) ^ second.Memory.Span.Overlaps(block.Span) || !first.Memory.Span.Overlaps(block.Span));
        Assert.False(first.Memory.Span.Overlaps(second.Memory.Span));
        Assert.Throws<ObjectDisposedException>(() => lease.Memory);
    }

    [Fact]
    public void Blocks_are_the_advertised_size_and_larger_requests_are_refused()
    {
        using var pool = new LargeBlockMemoryPool();
        using var lease = pool.Rent(4096);
        Assert.Equal(LargeBlockMemoryPool.BlockSize, lease.Memory.Length);
        Assert.Equal(LargeBlockMemoryPool.BlockSize, pool.MaxBufferSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(LargeBlockMemoryPool.BlockSize + 1));
    }

    [Fact]
    public void Concurrent_renters_never_share_a_block()
    {
        using var pool = new LargeBlockMemoryPool();
        var failures = 0;
        Parallel.For(0, 8, worker =>
        {
            for (var i = 0; i < 2000; i++)
            {
                using var lease = pool.Rent();
                var span = lease.Memory.Span;
                span[0] = (byte)worker;
                span[^1] = (byte)worker;
                Thread.SpinWait(20);
                if (span[0] != worker || span[^1] != worker) Interlocked.Increment(ref failures);
            }
        });
        Assert.Equal(0, failures);
    }
}
