using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace DrimCloud.Forwarder.Spool;

/// <summary>
/// Starts writing a spool file's pages to disk while the rest of the instance is still arriving, so that the fsync
/// before the C-STORE response has little left to write. With one association sending synchronously, the PACS waits
/// for that fsync on every instance: overlapping the disk write with the network receive shortens each wait.
/// Durability is unchanged: this only starts writeback (Linux <c>sync_file_range</c> with
/// <c>SYNC_FILE_RANGE_WRITE</c>, which promises nothing); the fsync that follows is still what makes the file durable.
/// Elsewhere it does nothing.
/// </summary>
internal static partial class EarlyWriteback
{
    /// <summary>Bytes written between two kicks: a few network reads' worth, so the syscall costs little per byte.</summary>
    public const int Stride = 256 * 1024;

    private const uint SyncFileRangeWrite = 2;

    private static bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>Asks the kernel to start writing <paramref name="count"/> bytes at <paramref name="offset"/> of the file to disk.</summary>
    public static void Start(SafeFileHandle file, long offset, long count)
    {
        if (_unavailable || count <= 0) return;
        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
            // A failure (e.g. a file system that does not support it) only loses the overlap: the fsync still runs.
            if (SyncFileRange((int)file.DangerousGetHandle(), offset, count, SyncFileRangeWrite) != 0 && Marshal.GetLastPInvokeError() == 38 /* ENOSYS */)
                _unavailable = true;
        }
        catch (EntryPointNotFoundException)
        {
            _unavailable = true;
        }
        finally
        {
            if (added) file.DangerousRelease();
        }
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(int fd, long offset, long count, uint flags);
}

/// <summary>
/// Write side of a spool file: writes go straight to the file at the next offset (synchronously: a write into the
/// page cache takes microseconds, whereas FileStream.WriteAsync on a synchronous handle hops to the thread pool for
/// every chunk), and every <see cref="EarlyWriteback.Stride"/> bytes the kernel is asked to start writing them to disk.
/// </summary>
internal sealed class SpoolFileSink(SafeFileHandle file) : Stream
{
    private long _written;
    private long _kicked;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _written;
    public override long Position { get => _written; set => throw new NotSupportedException(); }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        RandomAccess.Write(file, buffer, _written);
        _written += buffer.Length;
        if (_written - _kicked >= EarlyWriteback.Stride)
        {
            EarlyWriteback.Start(file, _kicked, _written - _kicked);
            _kicked = _written;
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <summary>
    /// Cuts what a reused spare held beyond the bytes written (an earlier, longer instance), then makes everything
    /// durable: the file on disk is exactly this instance before anyone is told it is stored. fdatasync
    /// (<see cref="DataSync"/>) rather than fsync: the new size and blocks, when they changed, are written either way;
    /// what it skips is the inode's timestamps, a device write per instance written over a spare of its size.
    /// </summary>
    public void FlushToDisk()
    {
        if (RandomAccess.GetLength(file) > _written) RandomAccess.SetLength(file, _written);
        DataSync.Flush(file);
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
