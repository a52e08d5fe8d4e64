using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace DrimCloud.Api.Infrastructure;

/// <summary>
/// Kestrel's transport buffers, in 64 KB blocks instead of its default 4 KB. Kestrel receives into one pool block at a
/// time, so with 4 KB blocks a 530 KB STOW-RS instance took about 130 socket reads (and as many continuations and
/// pipe wake-ups, each a thread-pool hop); with 64 KB blocks it takes 9. Blocks are pinned (sockets read into them
/// without pinning each time) and reused; at most <see cref="MaxRetainedBlocks"/> are kept idle, the rest are left
/// to the GC.
/// </summary>
public sealed class LargeBlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool();
}

public sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 64 * 1024;

    /// <summary>Idle blocks kept for reuse (16 MB): enough for the concurrent requests of a busy API.</summary>
    public const int MaxRetainedBlocks = 256;

    private readonly ConcurrentQueue<byte[]> _idle = new();
    private int _idleCount;
    private bool _disposed;

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (minBufferSize > BlockSize) throw new ArgumentOutOfRangeException(nameof(minBufferSize), minBufferSize, $"Blocks are {BlockSize} bytes.");
        if (_idle.TryDequeue(out var block)) Interlocked.Decrement(ref _idleCount);
        else block = GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true);
        return new Lease(this, block);
    }

    private void Return(byte[] block)
    {
        if (_disposed || Interlocked.Increment(ref _idleCount) > MaxRetainedBlocks)
        {
            if (!_disposed) Interlocked.Decrement(ref _idleCount);
            return;
        }
        _idle.Enqueue(block);
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        _idle.Clear();
    }

    /// <summary>One rental: returning it twice must not hand the same block to two connections, so only the first Dispose returns it.</summary>
    private sealed class Lease(LargeBlockMemoryPool pool, byte[] block) : IMemoryOwner<byte>
    {
        private byte[]? _block = block;

        public Memory<byte> Memory => _block ?? throw new ObjectDisposedException(nameof(Lease));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _block, null) is { } returned) pool.Return(returned);
        }
    }
}
