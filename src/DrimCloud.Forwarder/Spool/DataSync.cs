using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace DrimCloud.Forwarder.Spool;

/// <summary>
/// Makes a file's written bytes durable without its inode's timestamps: <c>fdatasync</c> on Linux. It still writes
/// what reading the data back needs (the size and the block allocation, whenever they changed): only the timestamps,
/// which the spool never reads, are left. For a file whose size and blocks do not change (the preallocated journal; a
/// spare overwritten in place by an instance of the same size, as the instances of a series are) that is one device
/// write instead of two (data and inode). Elsewhere a full flush (<see cref="RandomAccess.FlushToDisk"/>).
/// </summary>
internal static partial class DataSync
{
    // Flushes counted for the async flow that asked (tests: unaffected by tests running beside them).
    private static readonly AsyncLocal<StrongBox<int>?> FlowCounter = new();

    /// <summary>Counts this async flow's flushes from now on (for tests).</summary>
    internal static StrongBox<int> CountFlushesOfThisFlow() => FlowCounter.Value = new StrongBox<int>();

    public static void Flush(SafeFileHandle file)
    {
        if (FlowCounter.Value is { } counter) Interlocked.Increment(ref counter.Value);
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
