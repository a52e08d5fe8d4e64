namespace DrimCloud.Dicom.Network;

/// <summary>
/// A presentation context proposed in an A-ASSOCIATE-RQ: one abstract syntax (SOP class) with the transfer
/// syntaxes the requestor can use for it, in its order of preference.
/// </summary>
/// <param name="Id">Odd number 1..255, unique in the request.</param>
public sealed record PresentationContextProposal(byte Id, string AbstractSyntax, IReadOnlyList<string> TransferSyntaxes);

/// <summary>Result of one proposed presentation context (PS3.8 table 9-18).</summary>
public enum PresentationContextResult : byte
{
    Acceptance = 0,
    UserRejection = 1,
    NoReason = 2,
    AbstractSyntaxNotSupported = 3,
    TransferSyntaxesNotSupported = 4,
}

/// <summary>The acceptor's answer to one proposed presentation context, as carried in the A-ASSOCIATE-AC.</summary>
/// <param name="TransferSyntax">The chosen transfer syntax when accepted; otherwise not significant.</param>
public sealed record PresentationContextAnswer(byte Id, PresentationContextResult Result, string TransferSyntax);

/// <summary>A presentation context both sides agreed on: what may be exchanged on it and how it is encoded.</summary>
public sealed record AcceptedPresentationContext(byte Id, string AbstractSyntax, string TransferSyntax);
