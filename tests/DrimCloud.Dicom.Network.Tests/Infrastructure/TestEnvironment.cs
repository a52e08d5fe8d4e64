namespace DrimCloud.Dicom.Network.Tests.Infrastructure;

/// <summary>
/// Where the sample corpus and the real peers (DCMTK, Orthanc) are. Missing ones skip the tests that need them,
/// with the reason, except under CI (DRIMCLOUD_CI=1), where anything missing is a failure.
/// </summary>
internal static class TestEnvironment
{
    public static bool IsCi => Environment.GetEnvironmentVariable("DRIMCLOUD_CI") == "1";

    private static readonly Lazy<string?> SamplesFolder = new(FindSamples);

    /// <summary>The corpus folder (shared/dicom-samples), or a skip/fail with the reason.</summary>
    public static string RequireSamples()
    {
        if (SamplesFolder.Value is { } folder)
            return folder;
        Unavailable("sample corpus not found: set DRIMCLOUD_SAMPLES or keep shared/dicom-samples beside the repository");
        return null!;
    }

    /// <summary>Full path of a tool on PATH, or a skip/fail with the reason.</summary>
    public static string RequireTool(string name, string package)
    {
        if (FindOnPath(name) is { } path)
            return path;
        Unavailable($"{name} not found on PATH (apt package {package})");
        return null!;
    }

    public static string? FindOnPath(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (directory.Length == 0)
                continue;
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    private static void Unavailable(string reason)
    {
        if (IsCi)
            throw new InvalidOperationException($"Required by CI but unavailable: {reason}.");
        Skip.If(true, reason);
    }

    private static string? FindSamples()
    {
        if (Environment.GetEnvironmentVariable("DRIMCLOUD_SAMPLES") is { Length: > 0 } configured)
            return Directory.Exists(configured) ? Path.GetFullPath(configured) : null;
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "dicom-samples");
            if (Directory.Exists(candidate) && File.Exists(Path.Combine(candidate, "MANIFEST.tsv")))
                return candidate;
        }
        return null;
    }
}
