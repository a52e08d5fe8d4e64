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
        w.WriteLine();
        w.WriteLine("DICOM");
        w.WriteLine($"  SCP            AE {dicom.GetProperty("aeTitle").GetString()}, port {dicom.GetProperty("port")}, {dicom.GetProperty("activeAssociations")} association(s) open");
        w.WriteLine($"  Queue          {queue.GetProperty("instances")} instance(s), {Bytes(queue.GetProperty("bytes").GetInt64())}, {queue.GetProperty("studies")} stud(ies), {queue.GetProperty("inFlight")} uploading");
        w.WriteLine($"  Oldest pending {Age(queue.GetProperty("oldestPendingAgeSeconds"))}");
        w.WriteLine($"  Quarantined    {queue.GetProperty("quarantined")} instance(s) in {queue.GetProperty("spoolFolder").GetString()}{Path.DirectorySeparatorChar}failed");
        w.WriteLine($"  Upload         {upload.GetProperty("state").GetString()}; {upload.GetProperty("instancesUploaded")} instance(s), {Bytes(upload.GetProperty("bytesUploaded").GetInt64())} since start");
        w.WriteLine($"  Last success   {Time(upload.GetProperty("lastSuccessAt"))}");
        w.WriteLine($"  Last error     {Error(upload, "lastError", "lastErrorAt")}");
        if (upload.GetProperty("retryAt").ValueKind == JsonValueKind.String)
            w.WriteLine($"  Next retry     {Time(upload.GetProperty("retryAt"))}");
        // Absent from forwarders older than the report spool and link sections: print what there is.
        if (s.TryGetProperty("reports", out var reports))
        {
            w.WriteLine();
            w.WriteLine("HL7 reports");
            w.WriteLine($"  Queue          {reports.GetProperty("messages")} message(s), {Bytes(reports.GetProperty("bytes").GetInt64())}; oldest pending {Age(reports.GetProperty("oldestPendingAgeSeconds"))}");
            w.WriteLine($"  Refused        {reports.GetProperty("rejected")} message(s) in {reports.GetProperty("spoolFolder").GetString()}{Path.DirectorySeparatorChar}rejected");
            w.WriteLine($"  Last sent      {Time(reports.GetProperty("lastSentAt"))}");
            w.WriteLine($"  Last error     {Error(reports, "lastError", "lastErrorAt")}");
        }
        if (s.TryGetProperty("cloud", out var cloud))
        {
            w.WriteLine();
            w.WriteLine($"Cloud          {cloud.GetProperty("apiUrl").GetString()} as client {cloud.GetProperty("clientId").GetString()}");
            w.WriteLine($"  Link           {CloudState(cloud.GetProperty("state").GetString())}");
            w.WriteLine($"  Last contact   {Time(cloud.GetProperty("lastContactAt"))}");
            w.WriteLine($"  Last error     {Error(cloud, "lastError", "lastErrorAt")}");
        }
        if (s.TryGetProperty("pacs", out var pacs))
        {
            w.WriteLine();
            var detail = pacs.GetProperty("detail").ValueKind == JsonValueKind.String ? $" ({pacs.GetProperty("detail").GetString()})" : "";
            w.WriteLine($"PACS           {pacs.GetProperty("state").GetString()}{detail}; checked {Time(pacs.GetProperty("checkedAt"))}");
        }
        return w.ToString();
    }

    private static string CloudState(string? state) => state switch
    {
        "ok" => "ok (credentials accepted)",
        "credentials-rejected" => "credentials-rejected: the client id / secret is refused or revoked; instances keep being spooled",
        "unreachable" => "unreachable: instances keep being spooled and are sent when it answers",
        _ => state ?? "unknown",
    };

    private static string Age(JsonElement seconds) =>
        seconds is { ValueKind: JsonValueKind.Number } age ? $"{age.GetDouble():0.#} s ago" : "none";

    private static string Error(JsonElement section, string error, string at) =>
        section.GetProperty(error).ValueKind == JsonValueKind.String
            ? $"{Time(section.GetProperty(at))}: {section.GetProperty(error).GetString()}"
            : "none";

    private static string Time(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetDateTimeOffset().ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "never";

    private static string Bytes(long bytes) => bytes switch
    {
        < 1_000_000 => $"{bytes / 1000.0:0.#} kB",
        < 1_000_000_000 => $"{bytes / 1_000_000.0:0.#} MB",
        _ => $"{bytes / 1_000_000_000.0:0.##} GB",
    };
}
