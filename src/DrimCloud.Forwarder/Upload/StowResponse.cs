using System.Text.Json;

namespace DrimCloud.Forwarder.Upload;

/// <summary>The per-instance answer of a STOW-RS response (PS3.18 §10.5.3): stored, or failed with a reason.</summary>
public sealed class StowResponse
{
    private const string ReferencedSopSequence = "00081199";
    private const string FailedSopSequence = "00081198";
    private const string ReferencedSopInstanceUid = "00081155";
    private const string FailureReasonTag = "00081197";

    public HashSet<string> Stored { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ushort> Failed { get; } = new(StringComparer.Ordinal);

    /// <summary>Reads a DICOM JSON STOW-RS response; an empty or non-JSON body gives an empty answer.</summary>
    public static StowResponse Parse(string body)
    {
        var response = new StowResponse();
        if (string.IsNullOrWhiteSpace(body)) return response;
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind != JsonValueKind.Object) return response;
            foreach (var item in Items(json.RootElement, ReferencedSopSequence))
                if (Text(item, ReferencedSopInstanceUid) is { } sop) response.Stored.Add(sop);
            foreach (var item in Items(json.RootElement, FailedSopSequence))
                if (Text(item, ReferencedSopInstanceUid) is { } sop)
                    response.Failed[sop] = Number(item, FailureReasonTag) ?? StowFailure.ProcessingFailure;
        }
        catch (JsonException)
        {
            // A proxy's HTML error page, say: nothing is confirmed, so everything is retried.
        }
        return response;
    }

    private static IEnumerable<JsonElement> Items(JsonElement root, string tag) =>
        root.TryGetProperty(tag, out var seq) && seq.TryGetProperty("Value", out var values) && values.ValueKind == JsonValueKind.Array
            ? values.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.Object)
            : [];

    private static string? Text(JsonElement item, string tag) =>
        item.TryGetProperty(tag, out var e) && e.TryGetProperty("Value", out var v) && v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0
            && v[0].ValueKind == JsonValueKind.String ? v[0].GetString() : null;

    private static ushort? Number(JsonElement item, string tag) =>
        item.TryGetProperty(tag, out var e) && e.TryGetProperty("Value", out var v) && v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0
            && v[0].TryGetUInt16(out var n) ? n : null;
}

/// <summary>STOW-RS failure reasons and which of them are worth retrying.</summary>
public static class StowFailure
{
    public const ushort ProcessingFailure = 0x0110;

    /// <summary>
    /// A processing failure (the cloud's database or storage hiccupped) is retried; every other reason says the
    /// instance itself is unacceptable (duplicate UID with other content, invalid UIDs, unparseable, too large), so
    /// sending it again would fail again: it goes to quarantine.
    /// </summary>
    public static bool IsPermanent(ushort reason) => reason != ProcessingFailure;

    public static string Describe(ushort reason) => reason switch
    {
        0x0110 => "processing failure",
        0x0111 => "a different object is already stored under this SOP Instance UID",
        0x0122 => "SOP class not supported",
        0xA700 => "out of resources (instance too large for the cloud)",
        0xA900 => "data set does not match (missing or invalid UIDs)",
        0xC000 => "cannot understand (not a valid DICOM object)",
        0xC122 => "transfer syntax not supported",
        _ => "failure",
    };
}
