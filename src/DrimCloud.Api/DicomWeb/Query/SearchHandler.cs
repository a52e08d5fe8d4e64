using System.Text.Json;
using DrimCloud.Api.DicomWeb.Common;
using DrimCloud.Api.Infrastructure;
using DrimCloud.Dicom;
using DrimCloud.Domain.Audit;

namespace DrimCloud.Api.DicomWeb.Query;

/// <summary>
/// One QIDO-RS request: parse, audit, search, answer. The answer is always 200 with a JSON array, empty when nothing
/// matches (CP-2473 replaced the former 204, in line with RFC 9110 and C-FIND); a Warning header tells how many
/// further matches a next page would return. Refused parameters get 400 with a problem naming the parameter.
/// </summary>
public sealed class SearchHandler(QueryExecutor executor, AuditLog audit, ILogger<SearchHandler> logger)
{
    private static readonly JsonWriterOptions s_json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task HandleAsync(HttpContext http, QueryLevel target, string? studyUid, string? seriesUid)
    {
        var action = target switch { QueryLevel.Study => "study.search", QueryLevel.Series => "series.search", _ => "instance.search" };
        QidoQuery query;
        try
        {
            query = QueryParser.Parse(target, studyUid, seriesUid, http.Request.QueryString.Value);
        }
        catch (QueryParameterException e)
        {
            await audit.RecordAsync(action, AuditResource.Describe(http.Request.Path, null), AuditOutcome.Failed, e.Message);
            await WriteProblemAsync(http, e);
            return;
        }

        var plan = ReturnPlan.For(query);
        var cancellationToken = http.RequestAborted;
        (int Count, long Remaining, Action<QidoResultWriter, Utf8JsonWriter> Write) result;
        try
        {
            result = target switch
            {
                QueryLevel.Study => Prepare(await executor.StudiesAsync(query, plan, cancellationToken), (w, row) => w.Write(row)),
                QueryLevel.Series => Prepare(await executor.SeriesAsync(query, plan, cancellationToken), (w, row) => w.Write(row)),
                _ => Prepare(await executor.InstancesAsync(query, plan, cancellationToken), (w, row) => w.Write(row)),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await audit.RecordAsync(action, AuditResource.Describe(http.Request.Path, query), AuditOutcome.Failed, e.GetType().Name);
            throw;
        }
        var (count, remaining, write) = result;
        await audit.RecordAsync(action, AuditResource.Describe(http.Request.Path, query), AuditOutcome.Success,
            AuditResource.Detail(query, count, remaining));

        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = DicomWebMediaTypes.DicomJson;
        var agent = http.Request.Host.Value ?? "drimcloud";
        foreach (var warning in query.Warnings) response.Headers.Append("Warning", Warning(agent, warning));
        if (remaining > 0) response.Headers.Append("Warning", Warning(agent, $"There are {remaining} additional results that can be requested"));

        var dicomWebBase = new DicomWebUrls(http.Request, http.Tenant().Slug).Base;
        await using var writer = new Utf8JsonWriter(response.BodyWriter, s_json);
        writer.WriteStartArray();
        write(new QidoResultWriter(writer, plan, dicomWebBase), writer);
        writer.WriteEndArray();
        await writer.FlushAsync(cancellationToken);
        logger.LogDebug("{Action} returned {Count} results, {Remaining} remaining.", action, count, remaining);
    }

    /// <summary>The rows' count and remaining, and a writer that streams them, flushing every few dozen results.</summary>
    private static (int Count, long Remaining, Action<QidoResultWriter, Utf8JsonWriter> Write) Prepare<TRow>(QueryPage<TRow> page,
        Action<QidoResultWriter, TRow> writeRow) =>
        (page.Rows.Count, page.Remaining, (results, json) =>
        {
            foreach (var row in page.Rows)
            {
                writeRow(results, row);
                if (json.BytesPending > 32 * 1024) json.Flush();
            }
        });

    /// <summary>RFC 7234 form, warn-agent then quoted text, with the text PS3.18 prescribes.</summary>
    private static string Warning(string agent, string text) => $"299 {agent} \"{text.Replace("\"", "'", StringComparison.Ordinal)}\"";

    private static Task WriteProblemAsync(HttpContext http, QueryParameterException e) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad Request", detail: e.Message,
            extensions: new Dictionary<string, object?> { ["parameter"] = e.Parameter }).ExecuteAsync(http);
}

/// <summary>How a search is written in the audit trail: UIDs only, never a patient's name or identifier.</summary>
public static class AuditResource
{
    /// <summary>The resource path and the UID-valued keys, e.g. "/studies/1.2.3/series?SeriesInstanceUID=1.2.3.4".</summary>
    public static string Describe(PathString path, QidoQuery? query)
    {
        var resource = path.Value ?? "";
        var dicomweb = resource.IndexOf("/dicomweb", StringComparison.Ordinal);
        if (dicomweb >= 0) resource = resource[(dicomweb + "/dicomweb".Length)..];
        var uids = query?.Keys.Where(k => k.VR == DicomVR.UI && !k.Path.IsNested && k.Matcher is SingleValueMatch or ListMatch)
            .Select(k => $"{k.Parameter}={string.Join(',', k.Matcher is ListMatch list ? list.Values : [((SingleValueMatch)k.Matcher).Value])}")
            .ToList() ?? [];
        return uids.Count == 0 ? resource : $"{resource}?{string.Join('&', uids)}";
    }

    /// <summary>Which attributes were matched (names only), and how many results.</summary>
    public static string Detail(QidoQuery query, int returned, long remaining)
    {
        var keys = query.Keys.Where(k => k.Matcher is not UniversalMatch).Select(k => k.Parameter).ToList();
        var matched = keys.Count == 0 ? "no matching keys" : "matched on " + string.Join(", ", keys);
        return $"{matched}; {returned} returned, {remaining} more";
    }
}
