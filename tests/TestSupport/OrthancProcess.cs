using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DrimCloud.Tests;

/// <summary>A DICOM node Orthanc should know (DicomModalities): its AE title and where it listens.</summary>
public sealed record OrthancModality(string AeTitle, string Host, int Port);

/// <summary>A DICOMweb server Orthanc should know (DicomWeb.Servers), with extra HTTP headers (e.g. a bearer token).</summary>
public sealed record OrthancDicomWebServer(string Url, IReadOnlyDictionary<string, string>? HttpHeaders = null);

/// <summary>How to start Orthanc; everything else is a loopback-only, throw-away configuration.</summary>
public sealed record OrthancOptions
{
    public string AeTitle { get; init; } = "ORTHANC";

    /// <summary>Whether Orthanc's DICOM (DIMSE) server listens, on a free port.</summary>
    public bool DicomServer { get; init; } = true;

    public IReadOnlyDictionary<string, OrthancModality> DicomModalities { get; init; } = new Dictionary<string, OrthancModality>();

    public IReadOnlyDictionary<string, OrthancDicomWebServer> DicomWebServers { get; init; } = new Dictionary<string, OrthancDicomWebServer>();

    /// <summary>Top-level configuration keys merged last (e.g. <c>{"DicomAlwaysAllowFind": true}</c>).</summary>
    public JsonObject? Extra { get; init; }
}

/// <summary>
/// A real Orthanc (Debian <c>orthanc</c> + <c>orthanc-dicomweb</c>) for one test: free 127.0.0.1 ports, configuration
/// and storage in a temporary folder, started in the foreground and waited for (<c>/system</c>), a REST client, and on
/// dispose a clean shutdown (REST, then kill by PID) and removal of the folder. Missing Orthanc or plugin skips the
/// test, or fails it under CI (DRIMCLOUD_CI=1).
/// </summary>
public sealed class OrthancProcess : IAsyncDisposable
{
    public const string Executable = "Orthanc";
    public const string DicomWebPlugin = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";

    private readonly Process _process;
    private readonly StringBuilder _log;

    private OrthancProcess(Process process, StringBuilder log, string directory, int httpPort, int dicomPort, string aeTitle)
    {
        _process = process;
        _log = log;
        Directory = directory;
        HttpPort = httpPort;
        DicomPort = dicomPort;
        AeTitle = aeTitle;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromMinutes(2) };
    }

    /// <summary>The throw-away folder holding configuration, storage and logs.</summary>
    public string Directory { get; }

    public int HttpPort { get; }

    /// <summary>The DIMSE port (0 when the DICOM server is disabled).</summary>
    public int DicomPort { get; }

    public string AeTitle { get; }

    /// <summary>Client of Orthanc's REST API (base address http://127.0.0.1:port/).</summary>
    public HttpClient Http { get; }

    /// <summary>Orthanc's own log so far (stdout + stderr), for assertion messages.</summary>
    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    public static async Task<OrthancProcess> StartAsync(OrthancOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new OrthancOptions();
        if (!File.Exists(DicomWebPlugin)) Missing($"The Orthanc DICOMweb plugin ({DicomWebPlugin}) is not installed");
        var directory = Path.Combine(Path.GetTempPath(), $"drimcloud-orthanc-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "storage"));
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "logs"));
        var httpPort = FreePort();
        var dicomPort = options.DicomServer ? FreePort() : 0;
        var configPath = Path.Combine(directory, "orthanc.json");
        await File.WriteAllTextAsync(configPath, Configuration(options, directory, httpPort, dicomPort).ToJsonString(), cancellationToken);

        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory,
        };
        start.ArgumentList.Add($"--logdir={Path.Combine(directory, "logs")}");
        start.ArgumentList.Add(configPath);
        // DCMTK's network layer (Orthanc's DIMSE side) waits for delayed ACKs without it (PEERS.md, quirk 1).
        start.Environment["TCP_NODELAY"] = "1";
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("Orthanc did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            TryDelete(directory);
            Missing($"Orthanc is not installed ({e.Message})");
            throw;
        }

        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var orthanc = new OrthancProcess(process, log, directory, httpPort, dicomPort, options.AeTitle);
        try
        {
            await orthanc.WaitUntilReadyAsync(TimeSpan.FromSeconds(30), cancellationToken);
            return orthanc;
        }
        catch
        {
            await orthanc.DisposeAsync();
            throw;
        }
    }

    /// <summary>Uploads a DICOM file through REST (<c>POST /instances</c>) and returns Orthanc's instance id.</summary>
    public async Task<string> UploadAsync(string file, CancellationToken cancellationToken = default)
    {
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(file, cancellationToken));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/dicom");
        using var response = await Http.PostAsync(new Uri("instances", UriKind.Relative), content, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"Orthanc refused {file}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!["ID"]!.GetValue<string>();
    }

    public async Task<JsonNode?> GetJsonAsync(string path, CancellationToken cancellationToken = default)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        return await ReadJsonAsync(response, "GET", path, cancellationToken);
    }

    public async Task<JsonNode?> PostJsonAsync(string path, object body, CancellationToken cancellationToken = default)
    {
        // Orthanc's field names are PascalCase ("Resources", "Uri"): no camel-casing policy.
        using var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri(path, UriKind.Relative), content, cancellationToken);
        return await ReadJsonAsync(response, "POST", path, cancellationToken);
    }

    public async Task<byte[]> GetBytesAsync(string path, CancellationToken cancellationToken = default)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"Orthanc GET {path} -> {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            try
            {
                using var shutdown = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
                using var _ = await shutdown.PostAsync(new Uri($"http://127.0.0.1:{HttpPort}/tools/shutdown"), new StringContent(""));
                using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(exited.Token);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                // Not answering: stop this process (and only it) by its PID.
            }
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
        TryDelete(Directory);
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited) throw new InvalidOperationException($"Orthanc exited with code {_process.ExitCode}:\n{Log}");
            try
            {
                using var response = await Http.GetAsync(new Uri("system", UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100, cancellationToken);
        }
        throw new TimeoutException($"Orthanc did not answer /system within {timeout.TotalSeconds} s:\n{Log}");
    }

    private static async Task<JsonNode?> ReadJsonAsync(HttpResponseMessage response, string method, string path, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"Orthanc {method} {path} -> {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    private static JsonObject Configuration(OrthancOptions options, string directory, int httpPort, int dicomPort)
    {
        var storage = Path.Combine(directory, "storage");
        var modalities = new JsonObject();
        foreach (var (name, m) in options.DicomModalities) modalities[name] = new JsonArray(m.AeTitle, m.Host, m.Port);
        var servers = new JsonObject();
        foreach (var (name, s) in options.DicomWebServers)
        {
            var server = new JsonObject { ["Url"] = s.Url };
            if (s.HttpHeaders is { Count: > 0 } headers)
                server["HttpHeaders"] = new JsonObject(headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)h.Value)));
            servers[name] = server;
        }
        var config = new JsonObject
        {
            ["Name"] = "DRIMCLOUD-TEST",
            ["StorageDirectory"] = storage,
            ["IndexDirectory"] = storage,
            ["StorageCompression"] = false,
            ["Plugins"] = new JsonArray(DicomWebPlugin),
            ["HttpServerEnabled"] = true,
            ["HttpPort"] = httpPort,
            // Orthanc has no bind address: refuse non-loopback HTTP clients at least (PEERS.md, quirk 5).
            ["RemoteAccessAllowed"] = false,
            ["AuthenticationEnabled"] = false,
            ["DicomServerEnabled"] = options.DicomServer,
            ["DicomAet"] = options.AeTitle,
            ["DicomPort"] = dicomPort == 0 ? FreePort() : dicomPort,
            ["DicomCheckCalledAet"] = false,
            ["DicomAlwaysAllowEcho"] = true,
            ["DicomAlwaysAllowStore"] = true,
            ["UnknownSopClassAccepted"] = true,
            ["DicomModalities"] = modalities,
            ["SaveJobs"] = false,
            ["DicomWeb"] = new JsonObject
            {
                ["Enable"] = true, ["Root"] = "/dicom-web/", ["EnableWado"] = true, ["WadoRoot"] = "/wado",
                ["Host"] = $"127.0.0.1:{httpPort}", ["Ssl"] = false, ["Servers"] = servers,
            },
        };
        foreach (var (key, value) in options.Extra ?? [])
            config[key] = value?.DeepClone();
        return config;
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private static void Missing(string what)
    {
        var reason = $"{what}: run ./test.sh, which installs it.";
        if (TestEnvironment.IsCi) throw new InvalidOperationException(reason);
        Skip.If(true, reason);
    }

    private static void TryDelete(string directory)
    {
        try { System.IO.Directory.Delete(directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
