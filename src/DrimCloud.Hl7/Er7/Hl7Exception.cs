namespace DrimCloud.Hl7.Er7;

/// <summary>HL7 table 0357 (message error condition codes): what goes into ERR-3 of a negative ACK.</summary>
public enum Hl7ErrorCode
{
    SegmentSequenceError = 100,
    RequiredFieldMissing = 101,
    DataTypeError = 102,
    TableValueNotFound = 103,
    UnsupportedMessageType = 200,
    UnsupportedEventCode = 201,
    UnsupportedProcessingId = 202,
    UnsupportedVersionId = 203,
    ApplicationInternalError = 207,
}

/// <summary>
/// The only exception the HL7 parsers throw for bad input: the message is malformed (answer <c>AE</c>) or of a kind this
/// receiver does not handle (<see cref="IsRejection"/>: answer <c>AR</c>). <see cref="Exception.Message"/> is the reason
/// sent back to the sender, so it names the segment and field and never echoes patient data.
/// </summary>
public sealed class Hl7Exception(Hl7ErrorCode code, string message, string? location = null) : Exception(message)
{
    public Hl7ErrorCode Code { get; } = code;

    /// <summary>Where the problem is, as <c>SEG^sequence^field</c> (ERR-2), when known.</summary>
    public string? Location { get; } = location;

    /// <summary>True when the message type, event, version or processing id is unsupported (HL7 "application reject").</summary>
    public bool IsRejection => Code is Hl7ErrorCode.UnsupportedMessageType or Hl7ErrorCode.UnsupportedEventCode
        or Hl7ErrorCode.UnsupportedProcessingId or Hl7ErrorCode.UnsupportedVersionId;
}
