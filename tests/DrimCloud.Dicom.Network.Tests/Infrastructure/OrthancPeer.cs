using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DrimCloud.Dicom.Network.Tests.Infrastructure;

/// <summary>
/// A real Orthanc (PACS) on free ports in a temp folder, with its DICOMweb plugin. Orthanc cannot bind to
/// loopback only (PEERS.md quirk 5): its HTTP server refuses remote clients (RemoteAccessAllowed false) and its
/// DICOM side serves only the modalities declared here, checked by host (127.0.0.1).
/// </summary>
internal sealed class OrthancPeer : IAsyncDisposable
{
    public const string AeTitle = "ORTHANC";
    private readonly PeerProcess _process;
    private readonly TempDirectory _folder;

    private OrthancPeer(PeerProcess process, TempDirectory folder, int httpPort, int dicomPort)
    {
        _process = process;
        _folder = folder;
        HttpPort = httpPort;
        DicomPort = dicomPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int HttpPort { get; }

    public int DicomPort { get; }

    public HttpClient Http { get; }

    /// <param name="modalities">AE title → port of the peers Orthanc may talk to (all on 127.0.0.1).</param>
    public static async Task<OrthancPeer> StartAsync(IReadOnlyDictionary<string, int> modalities)
    {
        var orthanc = TestEnvironment.RequireTool("Orthanc", "orthanc");
        var plugin = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";
        if (!File.Exists(plugin))
            TestEnvironment.RequireTool("libOrthancDicomWeb.so (not found)", "orthanc-dicomweb");
        var folder = new TempDirectory("drimcloud-orthanc");
        var httpPort = FreePort.Next();
        var dicomPort = FreePort.Next();
        var config = new JsonObject
        {
            ["Name"] = "DrimCloudNetworkTests",
            ["StorageDirectory"] = folder.CreateSubdirectory("storage"),
            ["IndexDirectory"] = folder.CreateSubdirectory("index"),
            ["HttpPort"] = httpPort,
            ["DicomPort"] = dicomPort,
            ["DicomAet"] = AeTitle,
            ["RemoteAccessAllowed"] = false,
            ["AuthenticationEnabled"] = false,
            ["DicomAlwaysAllowEcho"] = false,
            ["DicomAlwaysAllowStore"] = false,
            ["DicomAlwaysAllowFind"] = false,
            ["DicomAlwaysAllowGet"] = false,
            ["DicomAlwaysAllowMove"] = false,
            ["DicomCheckModalityHost"] = true,
            ["DicomModalities"] = new JsonObject(modalities.Select(m => KeyValuePair.Create<string, JsonNode?>(m.Key.ToLowerInvariant(),
                new JsonObject { ["AET"] = m.Key, ["Host"] = "127.0.0.1", ["Port"] = m.Value }))),
            ["SyncStorageArea"] = false,
            ["SaveJobs"] = false,
            ["OverwriteInstances"] = true,
            ["Plugins"] = new JsonArray(plugin),
            ["DicomWeb"] = new JsonObject { ["Enable"] = true, ["Root"] = "/dicom-web/", ["Host"] = $"127.0.0.1:{httpPort}" },
        };
        var configPath = folder.Combine("orthanc.json");
        await File.WriteAllTextAsync(configPath, config.ToJsonString());
        var logs = folder.CreateSubdirectory("logs");
        var process = PeerProcess.Start(orthanc, [$"--logdir={logs}", configPath], folder.Path);
        var peer = new OrthancPeer(process, folder, httpPort, dicomPort);
        try
        {
            await peer.WaitReadyAsync();
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    private async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"Orthanc exited at startup:\n{_process.Output}");
            try
            {
                using var response = await Http.GetAsync("system");
                if (response.IsSuccessStatusCode)
                {
                    await FreePort.WaitListeningAsync(DicomPort, TimeSpan.FromSeconds(10));
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("Orthanc did not start in 30 s.");
    }

    public DicomClientOptions Client(string callingAeTitle = "DRIMSCU") => new()
    {
        Host = "127.0.0.1",
        Port = DicomPort,
        CallingAeTitle = callingAeTitle,
        CalledAeTitle = AeTitle,
    };

    /// <summary>Orthanc's ID of an instance, or null when it does not have it.</summary>
    public async Task<string?> FindInstanceAsync(string sopInstanceUid)
    {
        using var response = await Http.PostAsync("tools/lookup", new StringContent(sopInstanceUid, Encoding.ASCII));
        response.EnsureSuccessStatusCode();
        var matches = await response.Content.ReadFromJsonAsync<JsonArray>();
        return matches?.FirstOrDefault(m => (string?)m?["Type"] == "Instance")?["ID"]?.GetValue<string>();
    }

    public Task<byte[]> GetInstanceFileAsync(string orthancId) => Http.GetByteArrayAsync($"instances/{orthancId}/file");

    public async Task<int> CountInstancesAsync()
    {
        var statistics = await Http.GetFromJsonAsync<JsonObject>("statistics");
        return statistics!["CountInstances"]!.GetValue<int>();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _process.StopAsync(TimeSpan.FromSeconds(10));
        await _process.DisposeAsync();
        _folder.Dispose();
    }

    public string Log => _process.Output;

    public static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    internal static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}
