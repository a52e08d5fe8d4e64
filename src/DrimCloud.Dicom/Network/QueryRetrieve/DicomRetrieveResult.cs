namespace DrimCloud.Dicom.Network;

/// <summary>Sub-operation counts reported by a pending C-MOVE or C-GET response.</summary>
public sealed record DicomRetrieveProgress(int Remaining, int Completed, int Failed, int Warning);

/// <summary>Outcome of a C-MOVE or C-GET: the final status and sub-operation counts.</summary>
public sealed record DicomRetrieveResult(DimseStatus Status, int Completed, int Failed, int Warning, IReadOnlyList<string> FailedSopInstanceUids, string? ErrorComment)
{
    /// <summary>Every sub-operation succeeded.</summary>
    public bool IsSuccess => Status.IsSuccess;

    public override string ToString() =>
        $"{Status}: {Completed} completed, {Failed} failed, {Warning} warning{(ErrorComment is null ? "" : " (" + ErrorComment + ")")}";
}

/// <summary>A DIMSE operation ended with a failure status.</summary>
public sealed class DimseStatusException : DicomNetworkException
{
    public DimseStatusException(DimseStatus status, string? errorComment, string operation)
        : base($"{operation} failed with status {status}{(errorComment is null ? "" : ": " + errorComment)}.")
    {
        Status = status;
        ErrorComment = errorComment;
    }

    public DimseStatusException()
        : this(DimseStatus.ProcessingFailure, null, "DIMSE operation")
    {
    }

    public DimseStatusException(string message)
        : base(message)
    {
    }

    public DimseStatusException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DimseStatus Status { get; }

    public string? ErrorComment { get; }
}
