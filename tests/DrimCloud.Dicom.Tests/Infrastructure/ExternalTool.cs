using System.Diagnostics;
using System.Text;

namespace DrimCloud.Dicom.Tests.Infrastructure;

public sealed record ToolResult(int ExitCode, string StdOut, string StdErr);

/// <summary>Runs the reference toolkits (DCMTK, pydicom) with a timeout; missing tools skip, or fail under DRIMCLOUD_CI=1.</summary>
public static class ExternalTool
{
    public const string Python = "/usr/bin/python3";
    private static readonly Dictionary<string, bool> s_available = [];

    public static void Require(string tool)
    {
        bool present;
        lock (s_available)
        {
            if (!s_available.TryGetValue(tool, out present))
            {
                present = Probe(tool);
                s_available[tool] = present;
            }
        }

        if (present)
        {
            return;
        }

        var message = $"reference tool '{tool}' is not installed (apt-get install dcmtk python3-pydicom)";
        if (Samples.IsCi)
        {
            Assert.Fail(message);
        }

        Skip.If(true, message);
    }

    private static bool Probe(string tool)
    {
        try
        {
            var result = tool == "pydicom"
                ? Run(Python, ["-c", "import pydicom"], TimeSpan.FromSeconds(30))
                : Run(tool, ["--version"], TimeSpan.FromSeconds(30));
            return result.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    public static ToolResult Run(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish in time");
        }

        return new ToolResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }
}
