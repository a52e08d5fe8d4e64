using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace DrimCloud.Forwarder.Spool;

/// <summary>
/// Spool files the cloud has confirmed are emptied and kept in <c>recycled/</c> for the next instances instead of
/// being deleted. Creating a file allocates an inode, and on ext4 that allocation scans past every recently deleted
/// inode of the folder's block group (on file systems without a journal, as on the benchmark machine): perf of the
/// intake just after 2,000 files had been deleted on the same disk put 21% of the forwarder's samples in ext4_create
/// (2026-11-29), and the uploader deletes confirmed files as fast as the SCP creates new ones.
/// <para>
/// A spare is written where it is, under its name in <c>recycled/</c> (the journal's "A" record names that file), so
/// the intake needs no folder fsync for it: only the file's and the journal's. That holds only if the spare's name is
/// already durable when it is handed out, so <see cref="Recycle"/> fsyncs <c>recycled/</c> (and <c>objects/</c>,
/// which the names left) once per confirmed batch, on the uploader's side, before the spares become available; and
/// <see cref="Open"/> leaves the caller to fsync the folder once (after a process crash, names may still be only in
/// the page cache).
/// </para>
/// <para>
/// With a reserve (<see cref="Open"/>'s <c>reserve</c>, what the service uses), the pool also creates empty spares
/// ahead, in the background, whenever fewer than half the reserve are left: a fresh spool, a cloud outage (nothing
/// confirmed, nothing recycled) or a burst larger than what the uploader returns still finds spares, and the file
/// creation and its folder fsync (one for the lot) are off the intake path. Only when the reserve runs dry is a new
/// file created in objects/ for an instance (its folder fsync'd in the journal's flush).
/// </para>
/// <para>
/// A spare is handed out only when no pending record names it: a file is recycled only once its instance's "D" record
/// is committed (a file whose instance failed before its "A" record was committed is deleted, not put back), and at
/// start the files named by pending records are held back.
/// A crash can leave a spare with old or half-written content (truncated when reused) and a file of a confirmed
/// instance still in <c>objects/</c> (recovery deletes it).
/// </para>
/// </summary>
internal sealed class SpoolFilePool : IDisposable
{
    /// <summary>Spare files kept at most; enough for several confirmed batches between two arrivals.</summary>
    public const int Capacity = 256;

    /// <summary>A spare up to this size keeps its content (overwritten by the next instance); a larger one is emptied.</summary>
    public const long KeepBlocksUpTo = 1024 * 1024;

    private readonly string _folder;
    private readonly string _objects;
    private readonly ConcurrentStack<string> _spares = new();
    private readonly int _reserve;
    private int _count;
    private long _lastName;
    // The background creation of spares: at most one at a time; Dispose waits for it.
    private readonly Lock _refillGate = new();
    private Task _refill = Task.CompletedTask;
    private bool _disposed;

    private SpoolFilePool(string folder, string objects, int reserve)
    {
        _folder = folder;
        _objects = objects;
        _reserve = Math.Clamp(reserve, 0, Capacity);
    }

    public string Folder => _folder;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Spares ready to be taken now (made durable and handed out; a refill's files are not, until its folder fsync).</summary>
    internal int Ready => _spares.Count;

    /// <summary>
    /// Opens the pool in <paramref name="folder"/>: the numbered files a previous run left there are spares, except
    /// those in <paramref name="held"/> (full paths named by pending records), which are neither handed out nor
    /// deleted. Anything else there is deleted. The caller fsyncs the folder before the first spare is handed out, then
    /// calls <see cref="KeepReserve"/>. <paramref name="reserve"/>: spares kept ready by creating empty ones (0: none).
    /// </summary>
    public static SpoolFilePool Open(string folder, string objects, IReadOnlySet<string> held, int reserve = 0)
    {
        var pool = new SpoolFilePool(Directory.CreateDirectory(folder).FullName, objects, reserve);
        foreach (var file in Directory.EnumerateFiles(pool._folder))
        {
            var numbered = TryNumber(file, out var n);
            if (numbered) pool._lastName = Math.Max(pool._lastName, n);
            if (held.Contains(file)) continue;
            if (numbered && pool._count < Capacity)
            {
                pool._spares.Push(file);
                pool._count++;
            }
            else
            {
                TryDelete(file);
            }
        }
        // A held name whose file is gone must not be given to a new spare either.
        foreach (var file in held)
            if (Path.GetDirectoryName(file) == pool._folder && TryNumber(file, out var n))
                pool._lastName = Math.Max(pool._lastName, n);
        return pool;
    }

    /// <summary>
    /// An empty spare (its name durable), opened for writing in place, or null when there is none. The caller owns it
    /// from here: it goes back to the pool only through <see cref="Recycle"/> once no pending record names it.
    /// </summary>
    public (string Path, SafeFileHandle Handle)? TryTake()
    {
        while (_spares.TryPop(out var spare))
        {
            if (Interlocked.Decrement(ref _count) < _reserve / 2) KeepReserve();
            try
            {
                // Not truncated: the writer overwrites from the start and trims what is left beyond its end before
                // its fsync (SpoolFileSink.FlushToDisk), whether that is an earlier instance or a transfer a crash cut.
                return (spare, File.OpenHandle(spare, FileMode.Open, FileAccess.Write));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Removed by hand meanwhile: take the next one.
            }
        }
        KeepReserve();
        return null;
    }

    /// <summary>
    /// Starts creating empty spares in the background up to the reserve, unless that is already running or the pool
    /// holds at least half the reserve.
    /// </summary>
    public void KeepReserve()
    {
        if (_reserve == 0 || Count >= _reserve / 2) return;
        lock (_refillGate)
        {
            if (_disposed || !_refill.IsCompleted) return;
            _refill = Task.Run(CreateSpares);
        }
    }

    /// <summary>
    /// Creates empty spares up to the reserve, makes their names durable with one fsync of the folder, then hands
    /// them out. A crash at any point leaves empty numbered files in recycled/: spares at the next start.
    /// </summary>
    private void CreateSpares()
    {
        var made = new List<string>();
        try
        {
            while (!Volatile.Read(ref _disposed))
            {
                // Counted before it exists (reserved), so that recycling meanwhile cannot take the pool past its capacity.
                if (Interlocked.Increment(ref _count) > _reserve)
                {
                    Interlocked.Decrement(ref _count);
                    break;
                }
                var spare = Path.Combine(_folder, $"{Interlocked.Increment(ref _lastName)}.dcm");
                made.Add(spare);
                using (File.OpenHandle(spare, FileMode.CreateNew, FileAccess.Write))
                {
                }
            }
            if (made.Count > 0) DirectorySync.Flush(_folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Disk full, folder removed: the reserved places are given back; files already made are spares after a
            // restart. The intake creates its files in objects/ meanwhile.
            Interlocked.Add(ref _count, -made.Count);
            return;
        }
        foreach (var spare in made) _spares.Push(spare);
    }

    /// <summary>Stops creating spares and waits for a creation under way (the folder may be deleted next).</summary>
    public void Dispose()
    {
        Task refill;
        lock (_refillGate)
        {
            _disposed = true;
            refill = _refill;
        }
        refill.Wait();
    }

    /// <summary>
    /// Keeps the files at <paramref name="paths"/> (whose instances are settled) as empty spares, or deletes them when
    /// the pool is full. A file already in <c>recycled/</c> (a spare written in place) is only emptied; one in
    /// <c>objects/</c> is renamed in. The new names are made durable (one fsync of each folder) before any of them is
    /// handed out.
    /// </summary>
    public void Recycle(IReadOnlyCollection<string> paths)
    {
        var ready = new List<string>(paths.Count);
        var renamed = false;
        foreach (var path in paths)
        {
            if (Interlocked.Increment(ref _count) > Capacity)
            {
                Interlocked.Decrement(ref _count);
                TryDelete(path);
                continue;
            }
            var inPlace = Path.GetDirectoryName(path) == _folder;
            var spare = inPlace ? path : Path.Combine(_folder, $"{Interlocked.Increment(ref _lastName)}.dcm");
            try
            {
                if (!inPlace)
                {
                    File.Move(path, spare);
                    renamed = true;
                }
                // A small file keeps its blocks: the next instance overwrites them, which costs the file system no
                // block allocation (and its flush no allocation metadata), and instances of a series have one size.
                // A larger one is emptied, so the pool never holds much of the disk (at most Capacity x KeepBlocksUpTo).
                using (var handle = File.OpenHandle(spare, FileMode.Open, FileAccess.Write))
                {
                    if (RandomAccess.GetLength(handle) > KeepBlocksUpTo) RandomAccess.SetLength(handle, 0);
                }
                ready.Add(spare);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Interlocked.Decrement(ref _count);
                TryDelete(path);
                if (!inPlace) TryDelete(spare);
            }
        }
        if (renamed)
        {
            try
            {
                // The new names durable before a spare is written in place under one of them; the old names gone,
                // so that recovery never finds a file under both (it would delete the objects/ one).
                DirectorySync.Flush(_folder);
                DirectorySync.Flush(_objects);
            }
            catch (IOException)
            {
                // Not known durable: these spares are not handed out (recovery treats them as spares after a restart).
                Interlocked.Add(ref _count, -ready.Count);
                return;
            }
        }
        foreach (var spare in ready) _spares.Push(spare);
    }

    /// <summary>A spare's name: a number and ".dcm".</summary>
    private static bool TryNumber(string file, out long n)
    {
        n = 0;
        return file.EndsWith(".dcm", StringComparison.Ordinal) && long.TryParse(Path.GetFileNameWithoutExtension(file), CultureInfo.InvariantCulture, out n);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // In objects/, recovery deletes it at the next start; in recycled/, it is reused or deleted then.
        }
    }
}
