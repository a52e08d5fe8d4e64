using System.Diagnostics;
using System.Globalization;
using DrimCloud.Tests;

namespace DrimCloud.IntegrationTests.Forwarder;

/// <summary>
/// DCMTK storescu following its log to know which files it saw acknowledged: "Sending file: X" then
/// "Received Store Response (Success)" for that file. Only storescu's own logger speaks at INFO (a log4cplus
/// config): with -v, some corpus files make the DICOM parser print hundreds of thousands of warnings.
/// TCP_NODELAY=1 as PEERS.md advises (else ~40 ms per C-STORE).
/// </summary>
public sealed class Storescu
{
    private static readonly Lazy<string> s_logConfig = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"drimcloud-storescu-log-{Environment.ProcessId}.cfg");
        File.WriteAllText(path, """
            log4cplus.rootLogger = ERROR, console
            log4cplus.logger.dcmtk.apps.storescu = INFO
            log4cplus.appender.console = log4cplus::ConsoleAppender
            log4cplus.appender.console.layout = log4cplus::PatternLayout
            log4cplus.appender.console.layout.ConversionPattern = %p: %m%n
            """);
        return path;
    });

    private readonly List<string> _acknowledged = [];
    private readonly List<string> _log = [];
    private string? _current;

    public IReadOnlyList<string> Acknowledged
    {
        get
        {
            lock (_log) return [.. _acknowledged];
        }
    }

    public int AcknowledgedCount
    {
        get
        {
            lock (_log) return _acknowledged.Count;
        }
    }

    public string Output
    {
        get
        {
            lock (_log) return string.Join('\n', _log);
        }
    }

    public int ExitCode { get; private set; } = -1;

    /// <summary>Sends the files (in their own transfer syntax when <paramref name="syntaxOption"/> is given, e.g. -xe) and waits for storescu to exit.</summary>
    public async Task<Storescu> RunAsync(int port, IEnumerable<string> files, string? syntaxOption = null, string callingAe = "STORESCU",
        TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("storescu") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["TCP_NODELAY"] = "1";
        foreach (var a in new[] { "-lc", s_logConfig.Value, "-R", "-nh", "-aet", callingAe, "-aec", "DRIMCLOUD" }) start.ArgumentList.Add(a);
        if (syntaxOption is not null) start.ArgumentList.Add(syntaxOption);
        start.ArgumentList.Add("127.0.0.1");
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        foreach (var f in files) start.ArgumentList.Add(f);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            var reason = $"storescu is not installed ({e.Message}): run ./test.sh, which installs DCMTK.";
            if (TestEnvironment.IsCi) throw new InvalidOperationException(reason);
            Skip.If(true, reason);
            throw;
        }
        using (process)
        {
            process.OutputDataReceived += (_, e) => OnLine(e.Data);
            process.ErrorDataReceived += (_, e) => OnLine(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout ?? TimeSpan.FromMinutes(3));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                throw new TimeoutException($"storescu did not finish: {Output}");
            }
            process.WaitForExit(); // flushes the redirected output
            ExitCode = process.ExitCode;
        }
        return this;
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            _log.Add(line);
            const string sending = "Sending file: ";
            var at = line.IndexOf(sending, StringComparison.Ordinal);
            if (at >= 0) _current = line[(at + sending.Length)..].Trim();
            else if (line.Contains("Received Store Response (Success)", StringComparison.Ordinal) && _current is not null)
            {
                _acknowledged.Add(_current);
                _current = null;
            }
        }
    }
}
