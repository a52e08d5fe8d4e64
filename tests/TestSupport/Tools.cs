using System.Diagnostics;

namespace DrimCloud.Tests;

/// <summary>Runs a real peer tool (DCMTK, Orthanc, node) with a timeout and returns its exit code and output.</summary>
public static class Tools
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string program, params string[] arguments)
    {
        var (exit, stdout, stderr) = await RunWithTimeoutAsync(TimeSpan.FromMinutes(2), null, program, arguments);
        return (exit, stdout + stderr);
    }

    /// <summary>Runs a tool; standard output and standard error are returned apart.</summary>
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunWithTimeoutAsync(TimeSpan timeout, IDictionary<string, string>? environment, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            var reason = $"{program} is not installed ({e.Message}): run ./test.sh, which installs it.";
            if (TestEnvironment.IsCi) throw new InvalidOperationException(reason);
            Skip.If(true, reason);
            throw;
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} did not finish within {timeout.TotalSeconds} s.");
            }
            return (process.ExitCode, await stdout, await stderr);
        }
    }
}
