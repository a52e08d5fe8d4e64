using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace DrimCloud.Forwarder.Spool;

/// <summary>
/// Makes a file's written bytes durable without its inode's timestamps: <c>fdatasync</c> on Linux. For a file whose
/// size does not change (the preallocated journal, overwritten in place) that is one device write instead of two
/// (data and inode). Elsewhere a full flush (<see cref="RandomAccess.FlushToDisk"/>).
/// </summary>
internal static partial class DataSync
{
    public static void Flush(SafeFileHandle file)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(file);
            return;
        }
        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
            if (Fdatasync((int)file.DangerousGetHandle()) != 0)
                throw new IOException($"fdatasync failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            if (added) file.DangerousRelease();
        }
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int Fdatasync(int fd);
}
