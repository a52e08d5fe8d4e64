using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace DrimCloud.Cli.Commands;

/// <summary>
/// <c>drimcloud forwarder status</c>: what the forwarder on this machine is doing, read from its local status endpoint
/// (<c>GET http://127.0.0.1:11180/status</c>), for the hospital's IT. Exit code 0 when it answers, 1 when it does not.
/// </summary>
internal static class ForwarderCommands
{
    public static Command Create()
    {
        var forwarder = new Command("forwarder", "The on-prem forwarder running on this machine.");
        var url = new Option<string>("--url") { Description = "The forwarder's status endpoint.", DefaultValueFactory = _ => "http://127.0.0.1:11180" };
        var json = new Option<bool>("--json") { Description = "Print the raw JSON status." };
        var status = new Command("status", "Show the forwarder's queue, last upload and last error.") { url, json };
        status.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var baseUrl = parse.GetValue(url)!.TrimEnd('/');
            string body;
            try
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
                body = await http.GetStringAsync(new Uri(baseUrl + "/status"), cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"drimcloud: the forwarder does not answer at {baseUrl}/status ({e.Message}). Is the service running? Is Forwarder:Status:Port set to another port?");
                return 1;
            }
            if (parse.GetValue(json))
            {
                output.WriteLine(body);
                return 0;
            }
            try
            {
                using var doc = JsonDocument.Parse(body);
                output.Write(Describe(doc.RootElement));
                return 0;
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"drimcloud: unexpected status document from {baseUrl}/status: {e.Message}");
                return 1;
            }
        });
        forwarder.Subcommands.Add(status);
        return forwarder;
    }

    internal static string Describe(JsonElement s)
    {
        var dicom = s.GetProperty("dicom");
        var queue = s.GetProperty("queue");
        var upload = s.GetProperty("upload");
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine($"DrimCloud forwarder {s.GetProperty("version").GetString()} — tenant {s.GetProperty("tenant").GetString()}");
        w.WriteLine($"  DICOM SCP      AE {dicom.GetProperty("aeTitle").GetString()}, port {dicom.GetProperty("port")}, {dicom.GetProperty("activeAssociations")} association(s) open");
        w.WriteLine($"  Queue          {queue.GetProperty("instances")} instance(s), {Bytes(queue.GetProperty("bytes").GetInt64())}, {queue.GetProperty("studies")} stud(ies), {queue.GetProperty("inFlight")} uploading");
        w.WriteLine($"  Oldest pending {(queue.GetProperty("oldestPendingAgeSeconds") is { ValueKind: JsonValueKind.Number } age ? $"{age.GetDouble():0.#} s ago" : "none")}");
        w.WriteLine($"  Quarantined    {queue.GetProperty("quarantined")} instance(s) in {queue.GetProperty("spoolFolder").GetString()}{Path.DirectorySeparatorChar}failed");
        w.WriteLine($"  Upload         {upload.GetProperty("state").GetString()}; {upload.GetProperty("instancesUploaded")} instance(s), {Bytes(upload.GetProperty("bytesUploaded").GetInt64())} since start");
        w.WriteLine($"  Last success   {Time(upload.GetProperty("lastSuccessAt"))}");
        w.WriteLine($"  Last error     {(upload.GetProperty("lastError").ValueKind == JsonValueKind.String ? $"{Time(upload.GetProperty("lastErrorAt"))}: {upload.GetProperty("lastError").GetString()}" : "none")}");
        if (upload.GetProperty("retryAt").ValueKind == JsonValueKind.String)
            w.WriteLine($"  Next retry     {Time(upload.GetProperty("retryAt"))}");
        return w.ToString();
    }

    private static string Time(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetDateTimeOffset().ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "never";

    private static string Bytes(long bytes) => bytes switch
    {
        < 1_000_000 => $"{bytes / 1000.0:0.#} kB",
        < 1_000_000_000 => $"{bytes / 1_000_000.0:0.#} MB",
        _ => $"{bytes / 1_000_000_000.0:0.##} GB",
    };
}
