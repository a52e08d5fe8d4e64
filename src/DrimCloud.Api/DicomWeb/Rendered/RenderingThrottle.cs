namespace DrimCloud.Api.DicomWeb.Rendered;

/// <summary>
/// Bounds how many frames are decoded and encoded at once (one per core): rendering is CPU-bound, so more in
/// parallel only adds latency, and each render holds a frame in memory, so this also bounds rendering memory.
/// </summary>
public sealed class RenderingThrottle : IDisposable
{
    private readonly SemaphoreSlim _slots = new(Environment.ProcessorCount, Environment.ProcessorCount);

    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        return new Slot(_slots);
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }
}
