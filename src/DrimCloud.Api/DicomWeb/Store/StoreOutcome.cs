namespace DrimCloud.Api.DicomWeb.Store;

/// <summary>Failure reasons of a STOW-RS response (FailureReason, 0008,1197), from PS3.18 §10.5 and PS3.4 Annex B.</summary>
public static class StoreFailureReason
{
    /// <summary>A general failure in processing (storage or database error).</summary>
    public const ushort ProcessingFailure = 0x0110;

    /// <summary>A different object already exists under this SOP Instance UID (and the tenant does not allow overwrite).</summary>
    public const ushort DuplicateSopInstance = 0x0111;

    /// <summary>The SOP Class UID is missing or not a storage SOP class.</summary>
    public const ushort SopClassNotSupported = 0x0122;

    /// <summary>Out of resources (the instance is larger than the configured maximum).</summary>
    public const ushort OutOfResources = 0xA700;

    /// <summary>The data set does not match: required UIDs missing or invalid, or a Study Instance UID other than the request's.</summary>
    public const ushort DataSetDoesNotMatch = 0xA900;

    /// <summary>The part could not be parsed as a DICOM Part 10 object.</summary>
    public const ushort CannotUnderstand = 0xC000;

    /// <summary>The transfer syntax of the part is unknown.</summary>
    public const ushort TransferSyntaxNotSupported = 0xC122;

    /// <summary>Failures that mean the request itself was bad (400), as opposed to a conflict with stored data (409).</summary>
    public static bool IsBadRequest(ushort reason) => reason is CannotUnderstand or TransferSyntaxNotSupported;
}

/// <summary>The outcome of storing one part of a STOW-RS request.</summary>
public sealed record StoreOutcome(string? SopClassUid, string? SopInstanceUid, string? StudyInstanceUid, string? SeriesInstanceUid, ushort? FailureReason, string? Detail)
{
    public bool Stored => FailureReason is null;

    /// <summary>Stored earlier with the same content: nothing was written again.</summary>
    public bool AlreadyStored { get; init; }

    public static StoreOutcome Success(InstanceHeader h, bool alreadyStored = false) =>
        new(h.SopClassUid, h.SopInstanceUid, h.StudyInstanceUid, h.SeriesInstanceUid, null, null) { AlreadyStored = alreadyStored };

    public static StoreOutcome Failure(ushort reason, string detail, InstanceHeader? h = null) =>
        new(h?.SopClassUid, h?.SopInstanceUid, h?.StudyInstanceUid, h?.SeriesInstanceUid, reason, detail);
}
