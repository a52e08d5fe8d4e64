namespace DrimCloud.Tests;

/// <summary>The shared real DICOM corpus (../shared/dicom-samples, or DRIMCLOUD_SAMPLES).</summary>
public static class SampleFiles
{
    private static readonly Lazy<string?> s_root = new(Locate);

    public static string Root => s_root.Value ?? throw new InvalidOperationException(
        "The DICOM sample corpus was not found: set DRIMCLOUD_SAMPLES or keep ../shared/dicom-samples next to the repository.");

    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>MANIFEST.tsv rows as dictionaries (column name → value).</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> Manifest()
    {
        var lines = File.ReadAllLines(System.IO.Path.Combine(Root, "MANIFEST.tsv"));
        var header = lines[0].Split('\t');
        return lines.Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var cells = l.Split('\t');
            return (IReadOnlyDictionary<string, string>)header.Select((h, i) => (h, v: i < cells.Length ? cells[i] : ""))
                .ToDictionary(x => x.h, x => x.v);
        }).ToList();
    }

    private static string? Locate()
    {
        var configured = Environment.GetEnvironmentVariable("DRIMCLOUD_SAMPLES");
        if (!string.IsNullOrWhiteSpace(configured) && Directory.Exists(configured)) return configured;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "dicom-samples");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }
}
