namespace DrimCloud.Dicom.Network;

/// <summary>
/// A DIMSE command set (group 0000, PS3.7 section 9.3 and Annex E). Only the elements a DIMSE-C message may
/// carry have properties; any other group 0000 element received is kept in <see cref="OtherElements"/>.
/// Use the factory methods to build the element set each message type requires.
/// </summary>
public sealed class DimseCommand
{
    /// <summary>CommandDataSetType value meaning "no data set follows"; any other value means one does.</summary>
    public const ushort NoDataSet = 0x0101;

    /// <summary>Value sent when a data set follows (any value but 0x0101 is allowed; 0x0000 is customary).</summary>
    public const ushort DataSetPresent = 0x0000;

    public CommandField Field { get; set; }

    public string? AffectedSopClassUid { get; set; }

    public string? RequestedSopClassUid { get; set; }

    public ushort? MessageId { get; set; }

    public ushort? MessageIdBeingRespondedTo { get; set; }

    public string? MoveDestination { get; set; }

    public DimsePriority? Priority { get; set; }

    public ushort CommandDataSetType { get; set; } = NoDataSet;

    public bool HasDataSet
    {
        get => CommandDataSetType != NoDataSet;
        set => CommandDataSetType = value ? DataSetPresent : NoDataSet;
    }

    public DimseStatus? Status { get; set; }

    /// <summary>Offending element tags as (group &lt;&lt; 16) | element.</summary>
    public uint[]? OffendingElements { get; set; }

    public string? ErrorComment { get; set; }

    public ushort? ErrorId { get; set; }

    public string? AffectedSopInstanceUid { get; set; }

    public string? RequestedSopInstanceUid { get; set; }

    public ushort? NumberOfRemainingSuboperations { get; set; }

    public ushort? NumberOfCompletedSuboperations { get; set; }

    public ushort? NumberOfFailedSuboperations { get; set; }

    public ushort? NumberOfWarningSuboperations { get; set; }

    public string? MoveOriginatorAeTitle { get; set; }

    public ushort? MoveOriginatorMessageId { get; set; }

    /// <summary>Group 0000 elements without a property here (e.g. retired ones), as raw little-endian values.</summary>
    public List<(uint Tag, byte[] Value)> OtherElements { get; } = [];

    public override string ToString()
    {
        var id = Field.IsResponse() ? $"for #{MessageIdBeingRespondedTo}" : $"#{MessageId}";
        var status = Status is { } s ? $" status {s}" : "";
        return $"{Field} {id}{status}{(HasDataSet ? " +data" : "")}";
    }

    // ---- requests

    public static DimseCommand EchoRequest(ushort messageId) => new()
    {
        Field = CommandField.CEchoRequest,
        MessageId = messageId,
        AffectedSopClassUid = WellKnownUids.Verification,
    };

    public static DimseCommand StoreRequest(ushort messageId, string sopClassUid, string sopInstanceUid, DimsePriority priority = DimsePriority.Medium,
        string? moveOriginatorAeTitle = null, ushort? moveOriginatorMessageId = null) => new()
    {
        Field = CommandField.CStoreRequest,
        MessageId = messageId,
        AffectedSopClassUid = sopClassUid,
        AffectedSopInstanceUid = sopInstanceUid,
        Priority = priority,
        HasDataSet = true,
        MoveOriginatorAeTitle = moveOriginatorAeTitle,
        MoveOriginatorMessageId = moveOriginatorMessageId,
    };

    public static DimseCommand FindRequest(ushort messageId, string sopClassUid, DimsePriority priority = DimsePriority.Medium) => new()
    {
        Field = CommandField.CFindRequest,
        MessageId = messageId,
        AffectedSopClassUid = sopClassUid,
        Priority = priority,
        HasDataSet = true,
    };

    public static DimseCommand MoveRequest(ushort messageId, string sopClassUid, string destination, DimsePriority priority = DimsePriority.Medium) => new()
    {
        Field = CommandField.CMoveRequest,
        MessageId = messageId,
        AffectedSopClassUid = sopClassUid,
        MoveDestination = destination,
        Priority = priority,
        HasDataSet = true,
    };

    public static DimseCommand GetRequest(ushort messageId, string sopClassUid, DimsePriority priority = DimsePriority.Medium) => new()
    {
        Field = CommandField.CGetRequest,
        MessageId = messageId,
        AffectedSopClassUid = sopClassUid,
        Priority = priority,
        HasDataSet = true,
    };

    public static DimseCommand CancelRequest(ushort messageIdBeingRespondedTo) => new()
    {
        Field = CommandField.CCancelRequest,
        MessageIdBeingRespondedTo = messageIdBeingRespondedTo,
    };

    // ---- responses

    /// <summary>The response to <paramref name="request"/>, echoing what PS3.7 says each response echoes.</summary>
    public static DimseCommand ResponseTo(DimseCommand request, DimseStatus status, bool hasDataSet = false)
    {
        var field = request.Field switch
        {
            CommandField.CStoreRequest => CommandField.CStoreResponse,
            CommandField.CFindRequest => CommandField.CFindResponse,
            CommandField.CMoveRequest => CommandField.CMoveResponse,
            CommandField.CGetRequest => CommandField.CGetResponse,
            CommandField.CEchoRequest => CommandField.CEchoResponse,
            _ => throw new ArgumentException($"{request.Field} has no response.", nameof(request)),
        };
        return new DimseCommand
        {
            Field = field,
            MessageIdBeingRespondedTo = request.MessageId,
            AffectedSopClassUid = request.AffectedSopClassUid,
            AffectedSopInstanceUid = field == CommandField.CStoreResponse ? request.AffectedSopInstanceUid : null,
            Status = status,
            HasDataSet = hasDataSet,
        };
    }
}
