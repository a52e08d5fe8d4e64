namespace DrimCloud.Api.DicomWeb.Common;

/// <summary>The absolute URLs this request's client should use for the tenant's DICOMweb resources.</summary>
public sealed class DicomWebUrls(HttpRequest request, string tenant)
{
    /// <summary>e.g. https://host/tenants/demo/dicomweb</summary>
    public string Base { get; } = $"{request.Scheme}://{request.Host}{request.PathBase}/tenants/{Uri.EscapeDataString(tenant)}/dicomweb";

    public string Study(string study) => $"{Base}/studies/{study}";

    public string Series(string study, string series) => $"{Study(study)}/series/{series}";

    public string Instance(string study, string series, string sop) => $"{Series(study, series)}/instances/{sop}";
}
