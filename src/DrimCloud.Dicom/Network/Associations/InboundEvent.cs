namespace DrimCloud.Dicom.Network;

internal enum InboundEventKind
{
    Message,
    ReleaseRequest,
    ReleaseResponse,
}

/// <summary>What arrives on an established association: a DIMSE message (its dataset, if any, still on the wire) or a release PDU.</summary>
internal readonly record struct InboundEvent(InboundEventKind Kind, DimseCommand? Command, AcceptedPresentationContext? Context, IncomingDataSetStream? DataSet)
{
    public static InboundEvent Release(InboundEventKind kind) => new(kind, null, null, null);
}
