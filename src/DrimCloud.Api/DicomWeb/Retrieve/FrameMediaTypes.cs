using DrimCloud.Dicom;

namespace DrimCloud.Api.DicomWeb.Retrieve;

/// <summary>The media type of a compressed frame, by transfer syntax (PS3.18 Table 8.7.3-2).</summary>
public static class FrameMediaTypes
{
    public static string? ForCompressed(string transferSyntaxUid) => transferSyntaxUid switch
    {
        "1.2.840.10008.1.2.4.50" or "1.2.840.10008.1.2.4.51" or "1.2.840.10008.1.2.4.57" or "1.2.840.10008.1.2.4.70" => "image/jpeg",
        "1.2.840.10008.1.2.4.80" or "1.2.840.10008.1.2.4.81" => "image/jls",
        "1.2.840.10008.1.2.4.90" or "1.2.840.10008.1.2.4.91" => "image/jp2",
        "1.2.840.10008.1.2.4.92" or "1.2.840.10008.1.2.4.93" => "image/jpx",
        "1.2.840.10008.1.2.4.201" or "1.2.840.10008.1.2.4.202" or "1.2.840.10008.1.2.4.203" => "image/jphc",
        "1.2.840.10008.1.2.5" => "image/dicom-rle",
        "1.2.840.10008.1.2.4.100" or "1.2.840.10008.1.2.4.101" => "video/mpeg",
        "1.2.840.10008.1.2.4.102" or "1.2.840.10008.1.2.4.103" or "1.2.840.10008.1.2.4.104" or "1.2.840.10008.1.2.4.105" or "1.2.840.10008.1.2.4.106" => "video/mp4",
        "1.2.840.10008.1.2.4.107" or "1.2.840.10008.1.2.4.108" => "video/H265",
        _ => null,
    };

    public static bool IsEncapsulated(string transferSyntaxUid) => DicomTransferSyntax.FromUid(transferSyntaxUid).IsEncapsulated;
}
