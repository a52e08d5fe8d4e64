using System.Net.Http.Headers;
using System.Text.Json;

namespace DrimCloud.IntegrationTests.DicomWeb;

/// <summary>A minimal DICOMweb client for the tests: STOW-RS of files, authenticated GETs, JSON answers.</summary>
public sealed class DicomWebTestClient(HttpClient http, string tenant, string token) : IDisposable
{
    public string Tenant => tenant;

    public string Base => $"/tenants/{tenant}/dicomweb";

    /// <summary>STOW-RS of the given files (one multipart part each), to /studies or /studies/{study}.</summary>
    public async Task<(int Status, JsonDocument Body)> StoreAsync(IEnumerable<string> files, string? study = null)
    {
        var boundary = "test-" + Guid.NewGuid().ToString("N");
        using var content = new MultipartContent("related", boundary);
        content.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
        foreach (var file in files)
        {
            var part = new StreamContent(File.OpenRead(file));
            part.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            content.Add(part);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Base + "/studies" + (study is null ? "" : "/" + study), UriKind.Relative)) { Content = content };
        using var response = await SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonDocument.Parse(text.Length == 0 ? "{}" : text));
    }

    public async Task<HttpResponseMessage> GetAsync(string relative, string? accept = null, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Base + relative, UriKind.Relative));
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
        return await SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    public async Task<JsonDocument> GetJsonAsync(string relative)
    {
        using var response = await GetAsync(relative, "application/dicom+json");
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"GET {relative} -> {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text.Length == 0 ? "[]" : text);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request, completion);
    }

    public void Dispose() => http.Dispose();
}

public static class PlatformDicomWebExtensions
{
    /// <summary>A DICOMweb client of <paramref name="tenant"/> authenticated as <paramref name="clientId"/>.</summary>
    public static async Task<DicomWebTestClient> DicomWebAsync(this PlatformFixture platform, string tenant = "demo", string? clientId = null)
    {
        var token = await platform.TokenAsync(clientId ?? $"{tenant}-forwarder");
        var http = platform.Client("api");
        http.Timeout = TimeSpan.FromMinutes(5);
        return new DicomWebTestClient(http, tenant, token);
    }
}
