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

    private const uint SyncFileRangeWaitBefore = 1;
    private const uint SyncFileRangeWrite = 2;
    private const uint SyncFileRangeWaitAfter = 4;

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

    /// <summary>
    /// Writes <paramref name="count"/> bytes at <paramref name="offset"/> to the device and waits until it has them
    /// (in its volatile cache: no flush, no metadata). False when that is not available here; the caller then flushes.
    /// </summary>
    public static bool WriteAndWait(SafeFileHandle file, long offset, long count)
    {
        if (_unavailable) return false;
        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
            return SyncFileRange((int)file.DangerousGetHandle(), offset, count, SyncFileRangeWaitBefore | SyncFileRangeWrite | SyncFileRangeWaitAfter) == 0;
        }
        catch (EntryPointNotFoundException)
        {
            _unavailable = true;
            return false;
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
/// <para>
/// <paramref name="journalMayFlush"/>: the spare's size and blocks are durable and its file system overwrites them in
/// place (<see cref="DicomSpool"/> decides). An instance that fits in them then changes no metadata at all, so
/// <see cref="Persist"/> only hands its bytes to the device, and the flush of the journal commit that follows (which
/// is issued after they reached it) makes them durable together with their "A" record: one device flush per instance
/// instead of two. The record carries the CRC-32C of those bytes, so that after a power loss recovery can tell
/// whether the flush happened (the record alone may have reached the disk): see <see cref="DicomSpool"/>.
/// </para>
/// </summary>
internal sealed class SpoolFileSink(SafeFileHandle file, bool journalMayFlush = false) : Stream
{
    private readonly long _durableLength = journalMayFlush ? RandomAccess.GetLength(file) : 0;
    private Crc32C _crc = new();
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
        if (journalMayFlush) _crc.Append(buffer);
        _written += buffer.Length;
        if (_written - _kicked >= EarlyWriteback.Stride)
        {
            EarlyWriteback.Start(file, _kicked, _written - _kicked);
            _kicked = _written;
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <summary>
    /// Makes the instance durable, or ready to be made durable by the journal's next flush. Returns the CRC-32C of the
    /// bytes written in that second case, which the instance's "A" record must carry; null when the file is durable
    /// already. The file may then be longer than the instance (an earlier, longer one's bytes follow it): the record's
    /// length says where the instance ends, and readers stop there.
    /// <para>
    /// Otherwise (a larger instance than the spare held, a new file, or where in-place writes are not known to change
    /// no metadata) the old way: what the file held beyond the bytes written is cut, then fdatasync
    /// (<see cref="DataSync"/>): the new size and blocks, when they changed, are written; the inode's timestamps are
    /// not, a device write saved per instance written over a spare of its size.
    /// </para>
    /// </summary>
    public uint? Persist()
    {
        if (journalMayFlush && _written <= _durableLength && EarlyWriteback.WriteAndWait(file, 0, _written))
            return _crc.Value;
        if (RandomAccess.GetLength(file) > _written) RandomAccess.SetLength(file, _written);
        DataSync.Flush(file);
        return null;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
