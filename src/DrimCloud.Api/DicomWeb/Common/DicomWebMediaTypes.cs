namespace DrimCloud.Api.DicomWeb.Common;

public static class DicomWebMediaTypes
{
    public const string Dicom = "application/dicom";
    public const string DicomJson = "application/dicom+json";
    public const string MultipartRelated = "multipart/related";
    public const string OctetStream = "application/octet-stream";
    public const string Json = "application/json";
}
