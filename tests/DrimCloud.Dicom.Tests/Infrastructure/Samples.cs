namespace DrimCloud.Dicom.Tests.Infrastructure;

/// <summary>One row of shared/dicom-samples/MANIFEST.tsv.</summary>
public sealed record SampleFile(string RelativePath, string FullPath, string TransferSyntaxUid, string Notes, bool DcmtkReads)
{
    public override string ToString() => RelativePath;
}

/// <summary>
/// Finds the real sample corpus: $DRIMCLOUD_SAMPLES if set, otherwise the first ancestor of the test assembly's
/// directory that has shared/dicom-samples beside it (the repository is a sibling of shared/). Never passes silently
/// when it is missing: tests fail under DRIMCLOUD_CI=1 and skip with the reason otherwise.
/// </summary>
public static class Samples
{
    private static readonly Lazy<string?> s_root = new(FindRoot);
    private static readonly Lazy<IReadOnlyList<SampleFile>> s_files = new(LoadManifest);

    public static bool IsCi => Environment.GetEnvironmentVariable("DRIMCLOUD_CI") == "1";

    public static string? Root => s_root.Value;

    private static string? FindRoot()
    {
        var configured = Environment.GetEnvironmentVariable("DRIMCLOUD_SAMPLES");
        if (!string.IsNullOrEmpty(configured))
        {
            return Directory.Exists(configured) ? configured : null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "dicom-samples");
            if (File.Exists(Path.Combine(candidate, "MANIFEST.tsv")))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Skips (or fails under CI) when the corpus is missing, and returns its root.</summary>
    public static string RequireRoot()
    {
        if (Root is { } root)
        {
            return root;
        }

        const string message = "DICOM sample corpus not found: set DRIMCLOUD_SAMPLES or put shared/dicom-samples beside an ancestor of the test directory";
        if (IsCi)
        {
            Assert.Fail(message);
        }

        Skip.If(true, message);
        return string.Empty;
    }

    public static IReadOnlyList<SampleFile> Files => s_files.Value;

    public static SampleFile Get(string relativePath) =>
        Files.FirstOrDefault(f => f.RelativePath == relativePath) ?? throw new InvalidOperationException($"{relativePath} is not in MANIFEST.tsv");

    public static string PathOf(string relativePath) => Path.Combine(RequireRoot(), relativePath);

    private static IReadOnlyList<SampleFile> LoadManifest()
    {
        if (Root is not { } root)
        {
            return [];
        }

        var lines = File.ReadAllLines(Path.Combine(root, "MANIFEST.tsv"));
        var header = lines[0].Split('\t');
        int Column(string name) => Array.IndexOf(header, name);
        var file = Column("file");
        var ts = Column("transfer_syntax_uid");
        var notes = Column("notes");
        var dcmdump = Column("peer_dcmdump");
        return lines.Skip(1)
            .Where(l => l.Length > 0)
            .Select(l => l.Split('\t'))
            .Select(c => new SampleFile(c[file], Path.Combine(root, c[file]), c[ts], c[notes], c[dcmdump] == "ok"))
            .ToList();
    }

    /// <summary>Theory data: every file of the manifest (an empty placeholder row when the corpus is missing, so the
    /// test runs and reports the missing corpus instead of vanishing).</summary>
    public static TheoryData<string> AllFiles()
    {
        var data = new TheoryData<string>();
        if (Files.Count == 0)
        {
            data.Add("(corpus missing)");
        }

        foreach (var f in Files)
        {
            data.Add(f.RelativePath);
        }

        return data;
    }
}
