using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aspire.Hosting.ApplicationModel;

namespace DrimCloud.IntegrationTests.Forwarder;

/// <summary>
/// A forwarder started as its own process (<c>dotnet drimcloud-forwarder.dll</c>, the build the AppHost runs), with its
/// configuration in environment variables, its own spool folder and free ports (DICOM and status: 0, read back).
/// <see cref="Kill"/> is a SIGKILL (kill -9): no shutdown code runs.
/// </summary>
public sealed partial class ForwarderProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource<Uri> _statusUrl = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _dicomPort = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _hl7Port = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ForwarderProcess(Process process) => _process = process;

    public Uri StatusUrl { get; private set; } = null!;

    public int DicomPort { get; private set; }

    /// <summary>The MLLP port of the HL7 report listener.</summary>
    public int Hl7Port { get; private set; }

    public int Pid => _process.Id;

    public string Log
    {
        get
        {
            lock (_lines) return string.Join('\n', _lines);
        }
    }

    public static async Task<ForwarderProcess> StartAsync(PlatformFixture platform, TestTenant tenant, string spool,
        Uri? apiUrl = null, string? secret = null, IDictionary<string, string>? settings = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(ForwarderDll());
        var env = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Forwarder__Tenant"] = tenant.Slug,
            ["Forwarder__ClientId"] = tenant.ForwarderId,
            ["Forwarder__ClientSecret"] = secret ?? tenant.ForwarderSecret,
            ["Forwarder__Cloud__ApiUrl"] = (apiUrl ?? platform.App.GetEndpoint("api", "http")).ToString(),
            ["Forwarder__Cloud__IdentityUrl"] = platform.App.GetEndpoint("identity", "http").ToString(),
            ["Forwarder__Dicom__Port"] = "0",
            ["Forwarder__Dicom__BindAddress"] = "127.0.0.1",
            ["Forwarder__Status__Port"] = "0",
            ["Forwarder__Hl7__Port"] = "0",
            ["Forwarder__Hl7__SpoolDirectory"] = spool.TrimEnd(System.IO.Path.DirectorySeparatorChar) + "-reports",
            ["Forwarder__Spool__Folder"] = spool,
            ["Forwarder__Upload__MinRetryDelay"] = "00:00:00.500",
            ["Forwarder__Upload__MaxRetryDelay"] = "00:00:04",
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) env[k] = v;
        foreach (var (k, v) in env) start.Environment[k] = v;
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the forwarder.");
        var forwarder = new ForwarderProcess(process);
        process.OutputDataReceived += (_, e) => forwarder.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => forwarder.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            // Without a status endpoint (Status:Port = -1), the log lines of the listeners say the forwarder is up.
            forwarder.DicomPort = await forwarder._dicomPort.Task.WaitAsync(timeout.Token);
            forwarder.Hl7Port = await forwarder._hl7Port.Task.WaitAsync(timeout.Token);
            if (env["Forwarder__Status__Port"] != "-1")
            {
                forwarder.StatusUrl = await forwarder._statusUrl.Task.WaitAsync(timeout.Token);
                var status = await forwarder.StatusAsync();
                Assert.Equal(forwarder.DicomPort, status.GetProperty("dicom").GetProperty("port").GetInt32());
            }
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException)
        {
            throw new InvalidOperationException($"The forwarder did not start: {forwarder.Log}", e);
        }
        return forwarder;
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_lines) _lines.Add(line);
        if (ListeningLine().Match(line) is { Success: true } m) _statusUrl.TrySetResult(new Uri(m.Groups[1].Value));
        if (DicomLine().Match(line) is { Success: true } d) _dicomPort.TrySetResult(int.Parse(d.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        if (Hl7Line().Match(line) is { Success: true } h) _hl7Port.TrySetResult(int.Parse(h.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        if (_process.HasExited)
        {
            var exited = new InvalidOperationException("The forwarder exited.");
            _statusUrl.TrySetException(exited);
            _dicomPort.TrySetException(exited);
            _hl7Port.TrySetException(exited);
        }
    }

    public async Task<JsonElement> StatusAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return await http.GetFromJsonAsync<JsonElement>(new Uri(StatusUrl, "/status"));
    }

    /// <summary>Waits until the spool is empty (everything confirmed or quarantined).</summary>
    public async Task WaitDrainedAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await StatusAsync();
            if (status.GetProperty("queue").GetProperty("instances").GetInt32() == 0) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The spool did not drain: {status}\n{Log}");
            await Task.Delay(200);
        }
    }

    /// <summary>kill -9.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit(10_000);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    /// <summary>The build configuration of the tests (and so of the projects built with them).</summary>
    public static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>The forwarder the AppHost references, built with the tests, in the same configuration.</summary>
    private static string ForwarderDll()
    {
        var project = new Projects.DrimCloud_Forwarder().ProjectPath;
        var dll = Path.Combine(Path.GetDirectoryName(project)!, "bin", Configuration, "net10.0", "drimcloud-forwarder.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the forwarder first: {dll} is missing.");
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"DICOM Storage SCP '[^']*' listening on [0-9.]+:(\d+)")]
    private static partial Regex DicomLine();

    [GeneratedRegex(@"Listening for HL7 v2 report messages \(MLLP\) on [0-9.]+:(\d+)")]
    private static partial Regex Hl7Line();
}
