using System.Text;

namespace DrimCloud.IntegrationTests.DicomWeb;

/// <summary>Reads a multipart/related response into its parts (headers + bytes); test-sized bodies only.</summary>
public static class MultipartBody
{
    public sealed record Part(IReadOnlyDictionary<string, string> Headers, byte[] Body)
    {
        public string? ContentType => Headers.TryGetValue("content-type", out var v) ? v : null;
    }

    public static async Task<List<Part>> ReadAsync(HttpResponseMessage response)
    {
        var contentType = response.Content.Headers.ContentType ?? throw new InvalidOperationException("No Content-Type.");
        var boundary = contentType.Parameters.First(p => p.Name == "boundary").Value!.Trim('"');
        using var stream = await response.Content.ReadAsStreamAsync();
        var reader = new DrimCloud.Dicom.Multipart.MultipartReader(stream, boundary);
        var parts = new List<Part>();
        while (await reader.ReadNextPartAsync() is { } part)
        {
            using var body = new MemoryStream();
            await part.Body.CopyToAsync(body);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (part.ContentType is { } ct) headers["content-type"] = ct;
            if (part.ContentLocation is { } cl) headers["content-location"] = cl;
            parts.Add(new Part(headers, body.ToArray()));
        }
        return parts;
    }

    public static string Describe(byte[] body) => Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 200)));
}
