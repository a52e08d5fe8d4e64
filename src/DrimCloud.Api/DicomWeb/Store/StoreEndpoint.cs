using DrimCloud.Api.DicomWeb.Common;
using DrimCloud.Api.Infrastructure;
using DrimCloud.Dicom.Multipart;
using DrimCloud.Domain.Audit;

namespace DrimCloud.Api.DicomWeb.Store;

/// <summary>
/// STOW-RS: <c>POST /studies</c> and <c>POST /studies/{study}</c> with <c>multipart/related; type="application/dicom"</c>.
/// Parts are stored one after the other as they arrive, each streamed straight to storage.
/// </summary>
public static class StoreEndpoint
{
    public static async Task HandleAsync(HttpContext http, string? study, InstanceIngestor ingestor, StoreSession session, AuditLog audit)
    {
        var cancellationToken = http.RequestAborted;
        if (!MediaTypeValue.TryParse(http.Request.ContentType, out var contentType) || !contentType.IsMediaType(DicomWebMediaTypes.MultipartRelated))
        {
            await Problems.WriteAsync(http, StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type",
                "STOW-RS expects multipart/related; type=\"application/dicom\".");
            return;
        }
        var type = contentType["type"];
        if (type is not null && !string.Equals(type, DicomWebMediaTypes.Dicom, StringComparison.OrdinalIgnoreCase))
        {
            await Problems.WriteAsync(http, StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type",
                $"multipart/related type '{type}' is not supported: only application/dicom parts can be stored.");
            return;
        }

        MultipartReader reader;
        try
        {
            reader = MultipartReader.Create(http.Request.Body, http.Request.ContentType!);
        }
        catch (MultipartFormatException e)
        {
            await Problems.WriteAsync(http, StatusCodes.Status400BadRequest, "Bad Request", e.Message);
            return;
        }

        var tenant = http.Tenant();
        try
        {
            while (await reader.ReadNextPartAsync(cancellationToken) is { } part)
            {
                var partType = part.ContentType;
                if (partType is not null && !partType.StartsWith(DicomWebMediaTypes.Dicom, StringComparison.OrdinalIgnoreCase))
                {
                    await part.Body.CopyToAsync(Stream.Null, cancellationToken);
                    session.Add(StoreOutcome.Failure(StoreFailureReason.CannotUnderstand, $"Part of type '{partType}' is not application/dicom."));
                    continue;
                }
                await ingestor.StoreAsync(tenant, part.Body, study, cancellationToken);
            }
        }
        catch (MultipartFormatException e)
        {
            // A truncated or malformed body: what was complete is stored, the rest is reported.
            session.Add(StoreOutcome.Failure(StoreFailureReason.CannotUnderstand, $"The request body is malformed: {e.Message}"));
        }
        catch
        {
            // Aborted or failed mid-way: no response will report the pending instances, so none of them stays.
            await session.AbandonAsync();
            throw;
        }

        // The index rows of the last instances and the audit row commit together.
        await session.CompleteAsync(all =>
        {
            var stored = all.Count(o => o.Stored);
            return audit.Describe("instance.store", study ?? string.Join(',', all.Where(o => o.Stored).Select(o => o.StudyInstanceUid).Distinct().Take(5)),
                stored == all.Count && stored > 0 ? AuditOutcome.Success : stored > 0 ? "partial" : AuditOutcome.Failed,
                $"{stored} stored, {all.Count - stored} failed");
        }, cancellationToken);

        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("DrimCloud.Api.DicomWeb.Store");
        var outcomes = session.Outcomes;
        foreach (var failure in outcomes.Where(o => !o.Stored))
            logger.LogWarning("STOW into tenant {Tenant}: instance {Sop} refused with reason {Reason:X4}: {Detail}",
                tenant.Slug, failure.SopInstanceUid ?? "(unknown)", failure.FailureReason, failure.Detail);

        http.Response.StatusCode = StoreResponseWriter.StatusCode(outcomes);
        http.Response.ContentType = DicomWebMediaTypes.DicomJson;
        await StoreResponseWriter.WriteAsync(http.Response.Body, outcomes, new DicomWebUrls(http.Request, tenant.Slug), study, cancellationToken);
    }
}
