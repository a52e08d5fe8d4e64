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
/// A spare is handed out only when no pending record names it: a file is recycled only once its instance's "D" record
/// is committed (a file whose instance failed before its "A" record was committed is deleted, not put back), and at
/// start the files named by pending records are held back.
/// A crash can leave a spare with old or half-written content (truncated when reused) and a file of a confirmed
/// instance still in <c>objects/</c> (recovery deletes it).
/// </para>
/// </summary>
internal sealed class SpoolFilePool
{
    /// <summary>Spare files kept at most; enough for several confirmed batches between two arrivals.</summary>
    public const int Capacity = 256;

    private readonly string _folder;
    private readonly string _objects;
    private readonly ConcurrentStack<string> _spares = new();
    private int _count;
    private long _lastName;

    private SpoolFilePool(string folder, string objects)
    {
        _folder = folder;
        _objects = objects;
    }

    public string Folder => _folder;

    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Opens the pool in <paramref name="folder"/>: the numbered files a previous run left there are spares, except
    /// those in <paramref name="held"/> (full paths named by pending records), which are neither handed out nor
    /// deleted. Anything else there is deleted. The caller fsyncs the folder before the first spare is handed out.
    /// </summary>
    public static SpoolFilePool Open(string folder, string objects, IReadOnlySet<string> held)
    {
        var pool = new SpoolFilePool(Directory.CreateDirectory(folder).FullName, objects);
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
            Interlocked.Decrement(ref _count);
            try
            {
                // Truncate: a crash may have left a spare with its old content, or half of a transfer it cut.
                return (spare, File.OpenHandle(spare, FileMode.Truncate, FileAccess.Write));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Removed by hand meanwhile: take the next one.
            }
        }
        return null;
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
                // Emptied at once: the pool holds inodes, not the disk space of instances already in the cloud.
                using (File.OpenHandle(spare, FileMode.Truncate, FileAccess.Write))
                {
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
