using System.Text.Json;
using DrimCloud.Dicom.Tests.Infrastructure;

namespace DrimCloud.Dicom.Tests.Cli;

/// <summary>The real <c>drimcloud dicom …</c> process: exit codes, one-line errors, no stack traces, no hangs.</summary>
public sealed class DicomCliTests
{
    private static readonly Lazy<string> s_cli = new(FindCli);

    private static string FindCli()
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "DrimCloud.Cli", "bin", configuration, "net10.0", "drimcloud.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("drimcloud.dll not found next to the test project (it is built as a project reference)");
    }

    private static ToolResult Drimcloud(params string[] arguments) =>
        ExternalTool.Run("dotnet", [s_cli.Value, "dicom", .. arguments], TimeSpan.FromSeconds(60));

    private static void AssertOneLineErrorWithoutStackTrace(ToolResult result, string file)
    {
        Assert.Equal(1, result.ExitCode);
        var lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith(file + ": ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StdErr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Dump_lists_the_elements()
    {
        var result = Drimcloud("dump", Samples.PathOf("pydicom/CT_small.dcm"));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("(0010,0010) PN [CompressedSamples^CT1]", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("(7fe0,0010) OW", result.StdOut, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Json_prints_dicom_json_with_inline_binary_or_bulk_data_uris()
    {
        var path = Samples.PathOf("pydicom/MR_small.dcm");
        var inline = Drimcloud("json", path);
        Assert.Equal(0, inline.ExitCode);
        var root = JsonDocument.Parse(inline.StdOut).RootElement;
        Assert.True(root.GetProperty("7FE00010").TryGetProperty("InlineBinary", out _));
        using (var file = DicomFile.Open(path))
        {
            Assert.Equal(DicomJsonWriter.Serialize(file.Dataset), inline.StdOut.TrimEnd('\n'));
        }

        var bulk = Drimcloud("json", path, "--bulk-uri-prefix", "https://pacs.example/bulk");
        Assert.Equal("https://pacs.example/bulk/7FE00010", JsonDocument.Parse(bulk.StdOut).RootElement.GetProperty("7FE00010").GetProperty("BulkDataURI").GetString());
    }

    [SkippableFact]
    public void Convert_writes_a_file_dcmtk_reads_in_the_asked_syntax()
    {
        var output = Path.Combine(Path.GetTempPath(), $"drimcloud-cli-{Guid.NewGuid():N}.dcm");
        try
        {
            var result = Drimcloud("convert", Samples.PathOf("cwil/CTImage.dcm"), output, "--transfer-syntax", "1.2.840.10008.1.2.2");
            Assert.True(result.ExitCode == 0, result.StdErr);
            ExternalTool.Require("dcmdump");
            var dump = ExternalTool.Run("dcmdump", ["-q", output]);
            Assert.Equal(0, dump.ExitCode);
            Assert.Contains("BigEndianExplicit", dump.StdOut, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(output);
        }
    }

    [SkippableFact]
    public void Convert_of_compressed_data_fails_with_one_line()
    {
        var input = Samples.PathOf("pydicom/MR_small_RLE.dcm");
        var output = Path.Combine(Path.GetTempPath(), $"drimcloud-cli-{Guid.NewGuid():N}.dcm");
        AssertOneLineErrorWithoutStackTrace(Drimcloud("convert", input, output, "-t", "ele"), input);
        Assert.False(File.Exists(output));
    }

    [SkippableFact]
    public void Broken_files_give_one_line_naming_file_offset_and_reason()
    {
        foreach (var broken in new[] { "pydicom/MR_truncated.dcm", "pydicom/no_meta.dcm" })
        {
            var path = Samples.PathOf(broken);
            foreach (var command in new[] { "dump", "json", "validate" })
            {
                var result = Drimcloud(command, path);
                AssertOneLineErrorWithoutStackTrace(result, path);
                Assert.Contains(": offset ", result.StdErr, StringComparison.Ordinal);
            }
        }
    }

    [SkippableFact]
    public void Validate_reports_each_file_and_fails_if_any_fails()
    {
        var good = Samples.PathOf("pydicom/CT_small.dcm");
        var bad = Samples.PathOf("pydicom/MR_truncated.dcm");
        var result = Drimcloud("validate", good, bad);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(good + ": OK", result.StdOut, StringComparison.Ordinal);
        Assert.Contains(bad + ": offset 1496:", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(0, Drimcloud("validate", good).ExitCode);
    }

    [Fact]
    public void Missing_file_is_one_line_too()
    {
        var missing = Path.Combine(Path.GetTempPath(), "drimcloud-does-not-exist.dcm");
        AssertOneLineErrorWithoutStackTrace(Drimcloud("dump", missing), missing);
    }
}
