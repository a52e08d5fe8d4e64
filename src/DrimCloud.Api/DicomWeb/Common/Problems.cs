namespace DrimCloud.Api.DicomWeb.Common;

/// <summary>RFC 7807 problem details written directly (for handlers that own the response stream).</summary>
public static class Problems
{
    public static Task WriteAsync(HttpContext http, int status, string title, string detail)
    {
        http.Response.StatusCode = status;
        return Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(http);
    }
}
