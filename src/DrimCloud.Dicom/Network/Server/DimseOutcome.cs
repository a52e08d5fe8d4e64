namespace DrimCloud.Dicom.Network;

/// <summary>What a handler answers: a status and, for failures and warnings, a short comment for the peer.</summary>
public readonly record struct DimseOutcome(DimseStatus Status, string? ErrorComment = null)
{
    public static DimseOutcome Success => new(DimseStatus.Success);

    public static implicit operator DimseOutcome(DimseStatus status) => new(status);

    /// <summary>Error Comment (0000,0902) is LO: at most 64 characters.</summary>
    internal string? TrimmedComment => ErrorComment is { Length: > 64 } text ? text[..64] : ErrorComment;
}
