using System.Text.Json;

namespace DrimCloud.Dicom.Tests.Infrastructure;

/// <summary>DICOM JSON of a file as DCMTK's dcm2json sees it, generated at test time.</summary>
public sealed record DcmtkJson(JsonElement Root, bool PixelDataRemoved);

public static class Dcmtk
{
    /// <summary>
    /// Runs dcm2json on the file. dcm2json refuses to inline compressed pixel data; for those files the reference is
    /// made from a copy whose Pixel Data DCMTK itself removed (dcmodify -ea), and the fragments are checked separately
    /// against dcmdump. Returns null when DCMTK cannot convert the file (e.g. a character set its iconv lacks), with the reason.
    /// </summary>
    public static (DcmtkJson? Json, string Error) ToJson(string path)
    {
        ExternalTool.Require("dcm2json");
        var result = ExternalTool.Run("dcm2json", ["-fc", path]);
        if (result.ExitCode == 0)
        {
            return (new DcmtkJson(JsonDocument.Parse(result.StdOut).RootElement.Clone(), false), string.Empty);
        }

        if (!result.StdErr.Contains("compressed pixel data", StringComparison.Ordinal))
        {
            return (null, result.StdErr.Trim());
        }

        var copy = Path.Combine(Path.GetTempPath(), $"drimcloud-dcmtk-{Guid.NewGuid():N}.dcm");
        try
        {
            File.Copy(path, copy);
            var modify = ExternalTool.Run("dcmodify", ["-nb", "-q", "-ea", "(7fe0,0010)", copy]);
            Assert.True(modify.ExitCode == 0, "dcmodify failed: " + modify.StdErr);
            result = ExternalTool.Run("dcm2json", ["-fc", copy]);
            return result.ExitCode == 0
                ? (new DcmtkJson(JsonDocument.Parse(result.StdOut).RootElement.Clone(), true), string.Empty)
                : (null, result.StdErr.Trim());
        }
        finally
        {
            File.Delete(copy);
        }
    }

    /// <summary>True if dcmdump reads the file (exit code 0), and whether it said anything on stderr (warnings).</summary>
    public static (bool Reads, bool Complains, string StdErr) Dump(string path)
    {
        ExternalTool.Require("dcmdump");
        return s_dumps.GetOrAdd(path, static p =>
        {
            // Warnings go to stderr; with -q only errors would, and the exit code says whether it could read at all.
            var result = ExternalTool.Run("dcmdump", [p]);
            return (result.ExitCode == 0, result.StdErr.Length > 0, result.StdErr);
        });
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (bool, bool, string)> s_dumps = new();

    /// <summary>Lengths of the items of the top-level encapsulated Pixel Data as dcmdump lists them (offset table first).</summary>
    public static List<long> PixelDataItemLengths(string path)
    {
        ExternalTool.Require("dcmdump");
        var result = ExternalTool.Run("dcmdump", ["-q", "+L", path]);
        var lengths = new List<long>();
        var inPixelData = false;
        foreach (var line in result.StdOut.Split('\n'))
        {
            if (line.StartsWith("(7fe0,0010)", StringComparison.Ordinal))
            {
                inPixelData = true;
                continue;
            }

            if (inPixelData && line.TrimStart().StartsWith("(fffe,e000) pi", StringComparison.Ordinal))
            {
                var hash = line.LastIndexOf('#');
                var afterHash = line[(hash + 1)..].Trim();
                lengths.Add(long.Parse(afterHash[..afterHash.IndexOf(',', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture));
            }
            else if (inPixelData && line.StartsWith("(fffe,e0dd)", StringComparison.Ordinal))
            {
                break;
            }
        }

        return lengths;
    }
}
