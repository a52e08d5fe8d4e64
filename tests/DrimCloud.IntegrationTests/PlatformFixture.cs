using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace DrimCloud.IntegrationTests;

/// <summary>
/// The whole platform, started once for every test of the "platform" collection through the real AppHost
/// (Aspire.Hosting.Testing): embedded defaults in a throw-away data folder, Development seed, random ports.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public static readonly string[] LongRunningServices = ["identity", "api", "worker", "portal"];

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"drimcloud-it-{Guid.NewGuid():N}");
    public DistributedApplication App { get; private set; } = null!;

    /// <summary>The platform's data folder (file blobs under blobs/, the SQLite database).</summary>
    public string DataDir => _dataDir;
    public TimeSpan StartupTime { get; private set; }
    public ResourceLogCollector Logs { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.DrimCloud_AppHost>(
            // The demo forwarder's fixed ports (11112, 11180) would collide between concurrent runs: free ports here.
            ["--environment=Development", $"--DrimCloud:DataDir={_dataDir}", "--DrimCloud:Forwarder:DicomPort=0", "--DrimCloud:Forwarder:StatusPort=0"], cts.Token);
        App = await builder.BuildAsync(cts.Token);
        await App.StartAsync(cts.Token);
        // Once the resources exist (their log streams are keyed by instance), follow their logs from the beginning.
        Logs = new ResourceLogCollector(App.Services.GetRequiredService<ResourceLoggerService>(),
            App.Services.GetRequiredService<DistributedApplicationModel>(), ["forwarder-demo", "migrations", "api", "identity", "worker"]);
        var notifications = App.Services.GetRequiredService<ResourceNotificationService>();
        await notifications.WaitForResourceAsync("migrations", KnownResourceStates.Finished, cts.Token);
        await Task.WhenAll(LongRunningServices.Select(s => notifications.WaitForResourceHealthyAsync(s, cts.Token)));
        StartupTime = clock.Elapsed;
    }

    public async Task DisposeAsync()
    {
        Logs.Dispose();
        await App.DisposeAsync();
        try { Directory.Delete(_dataDir, recursive: true); }
        catch (IOException) { }
    }

    public HttpClient Client(string resource) => App.CreateHttpClient(resource, "http");

    /// <summary>A client-credentials token from the platform's identity service.</summary>
    public async Task<string> TokenAsync(string clientId, string secret = "dev-secret", string scope = "drimcloud.api")
    {
        using var identity = Client("identity");
        using var response = await identity.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret, ["scope"] = scope,
        }));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!.AccessToken;
    }

    private sealed record TokenResponse([property: JsonPropertyName("access_token")] string AccessToken);
}

[CollectionDefinition("platform")]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>;
