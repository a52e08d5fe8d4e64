namespace DrimCloud.Api.DicomWeb.Rendered;

/// <summary>Problem details of the rendered resources that carry more than a title and a detail.</summary>
public static class RenderProblems
{
    /// <summary>400 naming the parameter, in the detail and as the <c>parameter</c> member (as QIDO-RS does).</summary>
    public static Task BadParameterAsync(HttpContext http, InvalidRenderParameterException e)
    {
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad Request",
            detail: $"Invalid '{e.Parameter}': {e.Message}",
            extensions: new Dictionary<string, object?> { ["parameter"] = e.Parameter }).ExecuteAsync(http);
    }
}
