using Microsoft.EntityFrameworkCore;

namespace DrimCloud.Api.DicomWeb.Store;

/// <summary>
/// Queues this process's SQLite index writers on a semaphore. SQLite has one writer at a time; without the queue,
/// concurrent STOW requests wait inside SQLite's busy handler, which polls with growing sleeps (up to 100 ms), so a
/// writer often sleeps long after the lock came free. Handing the lock over in-process wakes the next writer at once.
/// Other databases have row locks and are not gated. Other processes writing the same file still meet busy_timeout.
/// </summary>
public sealed class SqliteWriteGate
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);

    public async Task<IDisposable> EnterAsync(DbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite()) return Open.Instance;
        await _semaphore.WaitAsync(cancellationToken);
        return new Release(_semaphore);
    }

    private sealed class Open : IDisposable
    {
        public static readonly Open Instance = new();
        public void Dispose() { }
    }

    private sealed class Release(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) semaphore.Release();
        }
    }
}
