namespace DrimCloud.Forwarder.Cloud;

internal static class CloudUris
{
    public const string HttpClientName = "cloud";

    /// <summary>Appends a relative path to a base URL whether or not the configured base ends with '/'.</summary>
    public static Uri Combine(Uri baseUri, string relative)
    {
        var text = baseUri.AbsoluteUri;
        return new Uri(new Uri(text.EndsWith('/') ? text : text + "/"), relative);
    }
}
