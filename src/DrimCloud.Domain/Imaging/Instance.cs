namespace DrimCloud.Domain.Imaging;

/// <summary>
/// A stored SOP instance: its identity, how it is encoded and where its bytes are. The row is written only after
/// the blob is durably stored, so an Instance row always points at an existing blob.
/// </summary>
public sealed class Instance : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenantId { get; set; }
    public Guid SeriesId { get; set; }
    public Series? Series { get; set; }

    public required string SopInstanceUid { get; set; }
    public required string SopClassUid { get; set; }
    public int? InstanceNumber { get; set; }
    public int? NumberOfFrames { get; set; }
    public int? Rows { get; set; }
    public int? Columns { get; set; }
    public int? BitsAllocated { get; set; }

    /// <summary>The instance's DICOM JSON metadata (bulk data as BulkDataURI templates), gzip-compressed, written at ingest.</summary>
    public byte[]? MetadataGz { get; set; }

    /// <summary>Where each frame's bytes are in the blob (DrimCloud.Dicom's FrameIndex format), written at ingest.</summary>
    public byte[]? FrameIndex { get; set; }

    /// <summary>Where each bulk data value named in the metadata is in the blob: JSON object path → [offset, length].</summary>
    public string? BulkIndexJson { get; set; }

    /// <summary>Transfer syntax of the stored Part 10 file.</summary>
    public required string TransferSyntaxUid { get; set; }

    /// <summary>Size of the stored Part 10 file in bytes.</summary>
    public long SizeBytes { get; set; }

    /// <summary>SHA-256 of the stored Part 10 file, lower-case hex (64 characters).</summary>
    public required string Sha256 { get; set; }

    /// <summary>Key of the blob in the tenant's container: <c>{study}/{series}/{sop}</c>.</summary>
    public required string BlobKey { get; set; }

    public DateTimeOffset StoredAt { get; set; } = DateTimeOffset.UtcNow;

    public static string BlobKeyFor(string studyUid, string seriesUid, string sopInstanceUid) =>
        $"{studyUid}/{seriesUid}/{sopInstanceUid}";
}
