namespace DrimCloud.Forwarder.Spool;

internal static class SpoolLocation
{
    private const string LinuxServiceFolder = "/var/lib/drimcloud-forwarder";

    /// <summary>
    /// The configured folder, or by default /var/lib/drimcloud-forwarder/spool on Linux when that folder exists and is
    /// writable (the systemd unit's StateDirectory), else "spool" next to the executable (Windows, a quick trial).
    /// </summary>
    public static string Resolve(string configured)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return Path.GetFullPath(configured, AppContext.BaseDirectory);
        if (OperatingSystem.IsLinux() && Directory.Exists(LinuxServiceFolder) && IsWritable(LinuxServiceFolder))
            return Path.Combine(LinuxServiceFolder, "spool");
        return Path.Combine(AppContext.BaseDirectory, "spool");
    }

    private static bool IsWritable(string folder)
    {
        try
        {
            var probe = Path.Combine(folder, $".probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
