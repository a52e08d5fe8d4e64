using System.Text.Json;
using DrimCloud.Api.DicomWeb.Common;

namespace DrimCloud.Api.DicomWeb.Store;

/// <summary>
/// The STOW-RS response body (PS3.18 §10.5.3): Retrieve URL (0008,1190) of the study, Failed SOP Sequence
/// (0008,1198) with Failure Reason (0008,1197), Referenced SOP Sequence (0008,1199) with each stored instance's
/// Retrieve URL, as DICOM JSON.
/// </summary>
public static class StoreResponseWriter
{
    public static int StatusCode(IReadOnlyList<StoreOutcome> outcomes)
    {
        var stored = outcomes.Count(o => o.Stored);
        if (outcomes.Count > 0 && stored == outcomes.Count) return StatusCodes.Status200OK;
        if (stored > 0) return StatusCodes.Status202Accepted;
        // Nothing stored: a request the server could not understand is 400; one that conflicts with stored data, 409.
        return outcomes.Count == 0 || outcomes.All(o => StoreFailureReason.IsBadRequest(o.FailureReason!.Value))
            ? StatusCodes.Status400BadRequest
            : StatusCodes.Status409Conflict;
    }

    public static async Task WriteAsync(Stream body, IReadOnlyList<StoreOutcome> outcomes, DicomWebUrls urls, string? requestStudy, CancellationToken cancellationToken)
    {
        await using var writer = new Utf8JsonWriter(body);
        writer.WriteStartObject();
        var study = requestStudy ?? outcomes.Where(o => o.Stored).Select(o => o.StudyInstanceUid).Distinct().SingleOrDefaultIfOne();
        if (study is not null) WriteString(writer, "00081190", "UR", urls.Study(study));

        var failed = outcomes.Where(o => !o.Stored).ToList();
        if (failed.Count > 0)
        {
            WriteSequence(writer, "00081198", failed, item =>
            {
                if (item.SopClassUid is not null) WriteString(writer, "00081150", "UI", item.SopClassUid);
                if (item.SopInstanceUid is not null) WriteString(writer, "00081155", "UI", item.SopInstanceUid);
                writer.WriteStartObject("00081197");
                writer.WriteString("vr", "US");
                writer.WriteStartArray("Value");
                writer.WriteNumberValue(item.FailureReason!.Value);
                writer.WriteEndArray();
                writer.WriteEndObject();
            });
        }

        var stored = outcomes.Where(o => o.Stored).ToList();
        if (stored.Count > 0)
        {
            WriteSequence(writer, "00081199", stored, item =>
            {
                WriteString(writer, "00081150", "UI", item.SopClassUid!);
                WriteString(writer, "00081155", "UI", item.SopInstanceUid!);
                WriteString(writer, "00081190", "UR", urls.Instance(item.StudyInstanceUid!, item.SeriesInstanceUid!, item.SopInstanceUid!));
            });
        }
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }

    private static string? SingleOrDefaultIfOne(this IEnumerable<string?> values)
    {
        var list = values.Take(2).ToList();
        return list.Count == 1 ? list[0] : null;
    }

    private static void WriteString(Utf8JsonWriter writer, string tag, string vr, string value)
    {
        writer.WriteStartObject(tag);
        writer.WriteString("vr", vr);
        writer.WriteStartArray("Value");
        writer.WriteStringValue(value);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteSequence(Utf8JsonWriter writer, string tag, IEnumerable<StoreOutcome> items, Action<StoreOutcome> writeItem)
    {
        writer.WriteStartObject(tag);
        writer.WriteString("vr", "SQ");
        writer.WriteStartArray("Value");
        foreach (var item in items)
        {
            writer.WriteStartObject();
            writeItem(item);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
