namespace DrimCloud.Dicom.Network;

/// <summary>
/// Receives instances sent by C-STORE (to a listener, or to us during a C-GET). The dataset arrives as a stream
/// read straight from the association: write it to its destination as you read it. The stream ends only when the
/// whole dataset has arrived; if the association breaks first, reading throws, and whatever was written must be
/// discarded (it is partial). Return the status to send back; the stream is drained if not read to its end.
/// </summary>
public interface IDicomStorageHandler
{
    ValueTask<DimseOutcome> StoreAsync(DicomStoreRequest request, Stream dataSet, CancellationToken cancellationToken);
}

/// <summary>An incoming C-STORE: which instance, in which transfer syntax, from whom.</summary>
public sealed class DicomStoreRequest
{
    public required string SopClassUid { get; init; }

    public required string SopInstanceUid { get; init; }

    /// <summary>Transfer syntax of the dataset bytes (that of the presentation context used).</summary>
    public required string TransferSyntaxUid { get; init; }

    public required DicomAssociation Association { get; init; }

    public ushort MessageId { get; init; }

    public DimsePriority Priority { get; init; }

    /// <summary>Set when the store is a C-MOVE sub-operation: who asked for the move.</summary>
    public string? MoveOriginatorAeTitle { get; init; }

    public ushort? MoveOriginatorMessageId { get; init; }

    public string CallingAeTitle => Association.CallingAeTitle;

    public string CalledAeTitle => Association.CalledAeTitle;
}
