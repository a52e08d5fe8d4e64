namespace DrimCloud.Dicom.Network;

/// <summary>
/// What the PDU reader returns: the header of the next PDV of a P-DATA-TF PDU (its data is then read with
/// <see cref="PduReader.ReadPdvDataAsync"/>), or a whole association control PDU.
/// </summary>
internal readonly record struct InboundUnit(PduType Type, byte[]? ControlBody, byte PresentationContextId, bool IsCommand, bool IsLastFragment, int DataLength)
{
    public bool IsPdv => Type == PduType.DataTransfer;

    public static InboundUnit Pdv(byte presentationContextId, byte messageControlHeader, int dataLength) =>
        new(PduType.DataTransfer, null, presentationContextId, (messageControlHeader & 1) != 0, (messageControlHeader & 2) != 0, dataLength);

    public static InboundUnit Control(PduType type, byte[] body) => new(type, body, 0, false, false, 0);
}
