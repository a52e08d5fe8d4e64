using DrimCloud.Api.DicomWeb.Retrieve;
using DrimCloud.Data;
using DrimCloud.Dicom;
using DrimCloud.Storage;

namespace DrimCloud.Api.DicomWeb.Rendered;

/// <summary>The document an Encapsulated Document instance carries (PDF, CDA, STL…), ready to stream.</summary>
public sealed record EncapsulatedDocument(string MediaType, long Length, Stream Content);

/// <summary>
/// Reads the Encapsulated Document (0042,0011) of an instance: from the parsed header when the value is small
/// enough to have been kept, else by a range read of the blob at the value's offset, so a large PDF streams
/// without being loaded. Deflated instances have no usable offsets and are inflated instead.
/// </summary>
public sealed class EncapsulatedDocuments(IBlobStore blobs, ITenantContext tenant)
{
    /// <summary>The document's media type when the header is that of an encapsulated document.</summary>
    public static string? MediaTypeOf(DicomDataset header) =>
        header.Contains(DicomTags.EncapsulatedDocument)
            ? header.GetString(DicomTags.MIMETypeOfEncapsulatedDocument)?.Trim() is { Length: > 0 } mime ? mime : "application/octet-stream"
            : null;

    public async Task<EncapsulatedDocument> OpenAsync(StoredInstanceRef instance, DicomFile header, string mediaType, CancellationToken cancellationToken)
    {
        var element = header.Dataset[DicomTags.EncapsulatedDocument];
        // The value is padded to an even length; Encapsulated Document Length, when present, is the real one.
        var length = header.Dataset.GetInt32(DicomTags.EncapsulatedDocumentLength) is { } declared && declared >= 0 && declared <= element.Length
            ? declared
            : (long)element.Length;

        if (element.IsInMemory)
            return new EncapsulatedDocument(mediaType, length, new MemoryStream(element.RawValue[..(int)length].ToArray(), writable: false));

        var container = BlobNames.ContainerFor(tenant.TenantId ?? throw new InvalidOperationException("No tenant."));
        if (!header.TransferSyntax.IsDeflated)
            return new EncapsulatedDocument(mediaType, length, await blobs.OpenReadAsync(container, instance.BlobKey, element.ValueOffset, length, cancellationToken));

        await using var blob = await blobs.OpenReadAsync(container, instance.BlobKey, cancellationToken: cancellationToken);
        using var inflated = await DicomFile.ReadAsync(blob, new DicomReadOptions
        {
            StopBeforeTag = DicomTags.MIMETypeOfEncapsulatedDocument,
            LargeValues = LargeValueMode.Load,
        }, cancellationToken);
        var bytes = inflated.Dataset[DicomTags.EncapsulatedDocument].RawValue[..(int)length].ToArray();
        return new EncapsulatedDocument(mediaType, length, new MemoryStream(bytes, writable: false));
    }
}
