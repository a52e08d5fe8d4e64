using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace DrimCloud.Forwarder.Spool;

/// <summary>
/// Spool files the cloud has confirmed are emptied and kept in <c>recycled/</c> for the next instances instead of
/// being deleted. Creating a file allocates an inode, and on ext4 that allocation scans past every recently deleted
/// inode of the folder's block group (on file systems without a journal, as on the benchmark machine): perf of the
/// intake just after 2,000 files had been deleted on the same disk put 21% of the forwarder's samples in ext4_create
/// (2026-11-29), and the uploader deletes confirmed files as fast as the SCP creates new ones. A recycled file is
/// renamed into <c>objects/</c> and truncated, which allocates nothing.
/// <para>
/// Nothing here touches durability: a file is recycled only once its "D" record is committed, and a file taken from
/// the pool becomes an ordinary new spool file (written, fsync'd, its name made durable by the objects folder's
/// fsync). A crash can leave a half-moved file in <c>objects/</c> (no pending record names it: recovery deletes it) or
/// a not yet emptied one in <c>recycled/</c> (truncated when reused).
/// </para>
/// </summary>
internal sealed class SpoolFilePool
{
    /// <summary>Spare files kept at most; enough for several confirmed batches between two arrivals.</summary>
    public const int Capacity = 256;

    private readonly string _folder;
    private readonly ConcurrentStack<string> _spares = new();
    private int _count;
    private long _lastName;

    private SpoolFilePool(string folder) => _folder = folder;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Opens the pool in <paramref name="folder"/>, keeping the spare files a previous run left there.</summary>
    public static SpoolFilePool Open(string folder)
    {
        var pool = new SpoolFilePool(Directory.CreateDirectory(folder).FullName);
        foreach (var file in Directory.EnumerateFiles(pool._folder))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (file.EndsWith(".dcm", StringComparison.Ordinal) && long.TryParse(name, CultureInfo.InvariantCulture, out var n) && pool._count < Capacity)
            {
                pool._lastName = Math.Max(pool._lastName, n);
                pool._spares.Push(file);
                pool._count++;
            }
            else
            {
                TryDelete(file);
            }
        }
        return pool;
    }

    /// <summary>A new, empty file at <paramref name="path"/> (which must not exist), opened for writing.</summary>
    public SafeFileHandle CreateFile(string path)
    {
        while (_spares.TryPop(out var spare))
        {
            Interlocked.Decrement(ref _count);
            try
            {
                File.Move(spare, path);
            }
            catch (IOException)
            {
                continue; // removed by hand meanwhile: take the next one
            }
            // Truncate: a crash may have left a spare with its old content.
            return File.OpenHandle(path, FileMode.Truncate, FileAccess.Write);
        }
        return File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write);
    }

    /// <summary>Keeps the file at <paramref name="path"/> (no longer needed) as an empty spare, or deletes it when the pool is full.</summary>
    public void Recycle(string path)
    {
        if (Interlocked.Increment(ref _count) > Capacity)
        {
            Interlocked.Decrement(ref _count);
            TryDelete(path);
            return;
        }
        var spare = Path.Combine(_folder, $"{Interlocked.Increment(ref _lastName)}.dcm");
        try
        {
            File.Move(path, spare);
            // Emptied at once: the pool holds inodes, not the disk space of instances already in the cloud.
            using (File.OpenHandle(spare, FileMode.Truncate, FileAccess.Write))
            {
            }
            _spares.Push(spare);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Interlocked.Decrement(ref _count);
            TryDelete(path);
            TryDelete(spare);
        }
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
