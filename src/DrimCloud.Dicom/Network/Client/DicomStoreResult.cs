namespace DrimCloud.Dicom.Network;

/// <summary>Outcome of one C-STORE: the peer's status, or why the instance was not sent at all.</summary>
public sealed record DicomStoreResult(DicomStoreItem Item, DimseStatus Status, string? ErrorComment, bool Sent)
{
    /// <summary>Sent and stored (success or warning status).</summary>
    public bool IsSuccess => Sent && Status.IsSuccessOrWarning;

    /// <summary>A local failure; the status defaults to "SOP class not supported", what a missing context amounts to.</summary>
    public static DicomStoreResult NotSent(DicomStoreItem item, string reason, DimseStatus? status = null) =>
        new(item, status ?? DimseStatus.SopClassNotSupported, reason, Sent: false);

    public override string ToString() => Sent
        ? $"{Item}: {Status}{(ErrorComment is null ? "" : " " + ErrorComment)}"
        : $"{Item}: not sent, {ErrorComment}";
}
