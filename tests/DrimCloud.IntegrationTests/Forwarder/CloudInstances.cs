using System.Text.Json;
using DrimCloud.IntegrationTests.DicomWeb;

namespace DrimCloud.IntegrationTests.Forwarder;

/// <summary>What the cloud shows of a tenant through QIDO-RS: every instance (study, series, SOP Instance UID).</summary>
public static class CloudInstances
{
    public sealed record Row(string Study, string Series, string Sop);

    public static async Task<List<Row>> AllAsync(DicomWebTestClient client)
    {
        using var json = await client.GetJsonAsync("/instances?limit=10000&includefield=0020000D&includefield=0020000E");
        return [.. json.RootElement.EnumerateArray().Select(i => new Row(Text(i, "0020000D"), Text(i, "0020000E"), Text(i, "00080018")))];
    }

    /// <summary>Polls until <paramref name="done"/> holds for the instance list, or fails with the last list's size.</summary>
    public static async Task<List<Row>> WaitAsync(DicomWebTestClient client, Func<List<Row>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var rows = await AllAsync(client);
            if (done(rows)) return rows;
            if (DateTime.UtcNow > deadline) return rows;
            await Task.Delay(250);
        }
    }

    private static string Text(JsonElement item, string tag) =>
        item.TryGetProperty(tag, out var e) && e.TryGetProperty("Value", out var v) ? v[0].GetString() ?? "" : "";
}
