using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace QidoBench;

/// <summary>
/// Times the QIDO-RS request shapes of PEERS.md §6.4 (plus OHIF's study list) with one keep-alive client, as the
/// Orthanc baseline was measured: untimed warm-up requests, then N timed requests each, body fully read.
/// </summary>
public static class Measurement
{
    private const int WarmUp = 20;

    public static readonly (string Label, string Path)[] Queries =
    [
        ("/studies?limit=100", "/studies?limit=100"),
        ("/studies (no limit: server page of 100)", "/studies"),
        ("/studies?PatientName=Smith*", "/studies?PatientName=Smith*"),
        ("/studies?PatientID=PID000000 (exact)", "/studies?PatientID=PID000000"),
        ("/studies?StudyDate=20150101-20181231", "/studies?StudyDate=20150101-20181231"),
        ("/studies?ModalitiesInStudy=MR", "/studies?ModalitiesInStudy=MR"),
        ("/studies?StudyInstanceUID=...", "/studies?StudyInstanceUID=2.25.777.54321"),
        ("/studies?limit=100&includefield=all", "/studies?limit=100&includefield=all"),
        ("/studies/{big}/series", $"/studies/{Seeder.BigStudy}/series"),
        ("/studies/{big}/series/{s}/instances?limit=100", $"/studies/{Seeder.BigStudy}/series/{Seeder.BigSeries}/instances?limit=100"),
        ("OHIF list: PatientName=*mart*&limit=101&includefield=...",
            "/studies?PatientName=*mart*&limit=101&offset=0&fuzzymatching=false&includefield=00081030,00080060,00080090,00100030"),
        ("/studies?PatientName=dup&fuzzymatching=true&limit=101", "/studies?PatientName=dup&fuzzymatching=true&limit=101"),
    ];

    public static async Task<int> RunAsync(Uri api, Uri identity, string tenant, int requests, string label)
    {
        using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", await TokenAsync(identity, $"{tenant}-forwarder"));
        http.DefaultRequestHeaders.Accept.ParseAdd("application/dicom+json");

        Console.WriteLine($"QIDO-RS latency, {label}: {requests} timed requests per query after {WarmUp} warm-up requests of every query, one keep-alive client");
        Console.WriteLine($"| query | results | p50 ms | p99 ms | max ms |");
        Console.WriteLine($"|---|---|---|---|---|");
        // Warm every query first: the server's tiered JIT recompiles shared code in the background during the first
        // hundreds of requests, which would otherwise land in the first query's timings.
        var results = new Dictionary<string, int>();
        foreach (var (_, path) in Queries)
        {
            for (var i = 0; i < WarmUp; i++) results[path] = await CountAsync(http, Uri(tenant, path));
        }
        var failed = false;
        foreach (var (name, path) in Queries)
        {
            var uri = Uri(tenant, path);
            var times = new double[requests];
            for (var i = 0; i < requests; i++)
            {
                var clock = Stopwatch.StartNew();
                using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead);
                await response.Content.CopyToAsync(Stream.Null);
                times[i] = clock.Elapsed.TotalMilliseconds;
                failed |= !response.IsSuccessStatusCode;
            }
            Array.Sort(times);
            Console.WriteLine($"| `{name}` | {results[path]} | {Percentile(times, 0.50):F1} | {Percentile(times, 0.99):F1} | {times[^1]:F1} |");
        }
        return failed ? 1 : 0;
    }

    private static Uri Uri(string tenant, string path) => new($"/tenants/{tenant}/dicomweb{path}", UriKind.Relative);

    private static async Task<int> CountAsync(HttpClient http, Uri uri)
    {
        using var response = await http.GetAsync(uri);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {uri} -> {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<JsonElement>(body).GetArrayLength();
    }

    // Nearest-rank percentile.
    private static double Percentile(double[] sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static async Task<string> TokenAsync(Uri identity, string client)
    {
        using var http = new HttpClient { BaseAddress = identity };
        using var response = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = client, ["client_secret"] = "dev-secret", ["scope"] = "drimcloud.api",
        }));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }
}
