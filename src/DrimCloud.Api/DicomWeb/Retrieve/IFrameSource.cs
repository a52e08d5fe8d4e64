using DrimCloud.Dicom;

namespace DrimCloud.Api.DicomWeb.Retrieve;

/// <summary>An instance of the current tenant as retrieval sees it: identity, encoding and where it is stored.</summary>
public sealed record StoredInstanceRef(
    Guid Id, string StudyInstanceUid, string SeriesInstanceUid, string SopInstanceUid, string SopClassUid,
    string TransferSyntaxUid, string BlobKey, long SizeBytes, int? NumberOfFrames, byte[]? FrameIndex, int? BitsAllocated = null);

/// <summary>
/// Reads stored frames. Frames are located with the frame index written at ingest and read by byte ranges from the
/// tenant's blob, without parsing the instance again.
/// </summary>
public interface IFrameSource
{
    /// <summary>The instance, or null when the current tenant has no such instance in that study and series.</summary>
    Task<StoredInstanceRef?> FindInstanceAsync(string study, string series, string sop, CancellationToken cancellationToken);

    /// <summary>
    /// The bytes of frame <paramref name="frameNumber"/> (1-based) as stored: raw pixels for native pixel data (in the
    /// stored transfer syntax's byte order), the concatenated fragments for encapsulated pixel data. Null when the
    /// instance has no such frame; throws <see cref="FrameIndexUnavailableException"/> when frames cannot be located by position.
    /// </summary>
    Task<Stream?> OpenFrameAsync(StoredInstanceRef instance, int frameNumber, CancellationToken cancellationToken);

    /// <summary>The header of the stored instance (everything before the pixel data), parsed from its blob.</summary>
    Task<DicomFile> ReadHeaderAsync(StoredInstanceRef instance, CancellationToken cancellationToken);
}

public sealed class FrameIndexUnavailableException(string sop)
    : InvalidOperationException($"The frames of instance {sop} cannot be located by position (no frame index).");
