using System.Runtime.InteropServices;

namespace DrimCloud.Forwarder.Spool;

/// <summary>
/// Makes a directory's entries durable (a created, renamed or deleted name), which fsync of the file alone does not
/// promise on Linux. On Windows, NTFS journals its metadata and .NET cannot open a directory handle: nothing to do.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;
    private const int Directory = 0x10000; // O_DIRECTORY on x86-64 and arm64 Linux

    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux()) return;
        var fd = Open(directory, ReadOnly | Directory);
        if (fd < 0) throw new IOException($"Cannot open directory {directory} to flush it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Fsync(fd) != 0) throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>
    /// Writes out everything the file system holding <paramref name="directory"/> has in memory (Linux <c>syncfs</c>):
    /// at start, so that what a crashed process left only in the page cache (a spare's longer size) is on disk. False
    /// where that failed or is not available: the caller then relies on nothing of the sort.
    /// </summary>
    public static bool FlushFileSystem(string directory)
    {
        if (!OperatingSystem.IsLinux()) return false;
        var fd = Open(directory, ReadOnly | Directory);
        if (fd < 0) return false;
        try
        {
            return Syncfs(fd) == 0;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int Syncfs(int fd);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
