namespace DrimCloud.Forwarder.Spool;

/// <summary>
/// Whether the spool's file system writes over a file's existing blocks in place, so that overwriting a spare within
/// its durable size changes no metadata and one device flush, anyone's, makes the new bytes durable. True for ext2/3/4
/// and XFS on Linux. Not for copy-on-write file systems (Btrfs, ZFS: an overwrite goes to new blocks, whose mapping
/// only the file's own sync commits), network file systems, or anything unrecognised: spares are then fdatasync'd.
/// </summary>
internal static class InPlaceOverwrite
{
    private static readonly string[] Known = ["ext2", "ext3", "ext4", "xfs"];

    public static bool Supported(string folder)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return Known.Contains(new DriveInfo(folder).DriveFormat, StringComparer.OrdinalIgnoreCase);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }
}
