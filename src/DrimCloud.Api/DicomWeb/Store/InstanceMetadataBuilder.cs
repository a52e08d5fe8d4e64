using System.IO.Compression;
using System.Text.Json;
using DrimCloud.Dicom;

namespace DrimCloud.Api.DicomWeb.Store;

/// <summary>The DICOM JSON metadata of one instance, computed once at ingest and stored compressed with the index.</summary>
public sealed record InstanceMetadata(byte[] Gzip, string? BulkIndexJson, string StudyAttributesJson, string SeriesAttributesJson);

/// <summary>
/// Writes an instance's DICOM JSON (PS3.18 Annex F) from its parsed header. Bulk data is never dropped: every large
/// binary value becomes a BulkDataURI, and its byte range in the stored file is recorded so that /bulk can answer
/// with a range read. URIs are stored relative ("dicomweb:/studies/…"): the serving request supplies the base.
/// </summary>
public static class InstanceMetadataBuilder
{
    /// <summary>Placeholder scheme of stored BulkDataURIs, replaced by the tenant's DICOMweb base URL when served.</summary>
    public const string RelativeScheme = "dicomweb:";

    public static InstanceMetadata Build(DicomFile header, InstanceHeader h, PixelDataLayout? pixels)
    {
        var instancePath = $"{RelativeScheme}/studies/{h.StudyInstanceUid}/series/{h.SeriesInstanceUid}/instances/{h.SopInstanceUid}";
        // Offsets are meaningful only when the stored file can be read by range (not inside a deflated data set).
        var rangesUsable = !header.TransferSyntax.IsDeflated;
        var bulk = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var options = new DicomJsonOptions
        {
            BulkDataThreshold = 1024,
            BulkDataUriFactory = reference =>
            {
                if (rangesUsable && reference.Element.ValueOffset >= 0)
                    bulk[reference.Path] = [reference.Element.ValueOffset, reference.Element.Length];
                return $"{instancePath}/bulk/{reference.Path}";
            },
        };

        var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            DicomJsonWriter.Write(writer, header.Dataset, options);
        }
        if (pixels is { Found: true }) json = AppendPixelData(json, pixels, h, instancePath, bulk, rangesUsable);

        var gzip = new MemoryStream();
        using (var compressor = new GZipStream(gzip, CompressionLevel.Fastest, leaveOpen: true))
            compressor.Write(json.GetBuffer(), 0, (int)json.Length);

        var (study, series) = LevelAttributes.Write(header.Dataset, options);
        return new InstanceMetadata(gzip.ToArray(), bulk.Count == 0 ? null : JsonSerializer.Serialize(bulk), study, series);
    }

    // The header parse stopped in front of the pixel data: add its BulkDataURI at the end of the object (7FE0 is the
    // last group that can hold it, and later elements are rare padding or signatures).
    private static MemoryStream AppendPixelData(MemoryStream json, PixelDataLayout pixels, InstanceHeader h, string instancePath,
        Dictionary<string, long[]> bulk, bool rangesUsable)
    {
        var vr = pixels.IsEncapsulated || h.BitsAllocated is null or <= 8 ? "OB" : "OW";
        var text = System.Text.Encoding.UTF8.GetString(json.GetBuffer(), 0, (int)json.Length);
        var entry = $"\"7FE00010\":{{\"vr\":\"{vr}\",\"BulkDataURI\":\"{instancePath}/bulk/7FE00010\"}}";
        text = text == "{}" ? "{" + entry + "}" : text[..^1] + "," + entry + "}";
        if (rangesUsable)
        {
            if (!pixels.IsEncapsulated) bulk["7FE00010"] = [pixels.ValueOffset, pixels.ValueLength];
            else if (pixels.Items.Count > 0)
            {
                var first = pixels.Items[0].ValueOffset - 8;
                var last = pixels.Items[^1];
                bulk["7FE00010"] = [first, last.ValueOffset + last.Length - first];
            }
        }
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        return new MemoryStream(bytes, 0, bytes.Length, writable: false, publiclyVisible: true);
    }
}
