using System.Text;

namespace DrimCloud.Dicom.Network;

/// <summary>
/// Encodes and decodes the association control PDUs (A-ASSOCIATE-RQ/AC/RJ, A-RELEASE-RQ/RP, A-ABORT) per
/// PS3.8 section 9.3 and the user information sub-items of PS3.7 Annex D. Decoding works on the PDU body (the
/// bytes after the 6-byte PDU header) and throws <see cref="DicomProtocolException"/> for anything malformed.
/// </summary>
internal static class AssociatePduCodec
{
    private const byte ApplicationContextItem = 0x10;
    private const byte PresentationContextRqItem = 0x20;
    private const byte PresentationContextAcItem = 0x21;
    private const byte AbstractSyntaxItem = 0x30;
    private const byte TransferSyntaxItem = 0x40;
    private const byte UserInformationItem = 0x50;
    private const byte MaxLengthItem = 0x51;
    private const byte ImplementationClassUidItem = 0x52;
    private const byte AsyncOperationsItem = 0x53;
    private const byte RoleSelectionItem = 0x54;
    private const byte ImplementationVersionItem = 0x55;
    private const byte ExtendedNegotiationItem = 0x56;
    private const byte CommonExtendedNegotiationItem = 0x57;
    private const byte UserIdentityRqItem = 0x58;
    private const byte UserIdentityAcItem = 0x59;

    /// <summary>Fixed part of an A-ASSOCIATE-RQ/AC body before the variable items.</summary>
    private const int FixedFieldsLength = 68;

    // ---------------------------------------------------------------- encoding

    public static byte[] EncodeRequest(AssociationRequest request)
    {
        ValidateAeTitle(request.CalledAeTitle, "called");
        ValidateAeTitle(request.CallingAeTitle, "calling");
        var pdu = BeginPdu(PduType.AssociateRequest, out var bodyStart);
        WriteFixedFields(pdu, request.ProtocolVersion, request.CalledAeTitle, request.CallingAeTitle);
        WriteUidItem(pdu, ApplicationContextItem, request.ApplicationContextName);
        foreach (var context in request.PresentationContexts)
        {
            pdu.Byte(PresentationContextRqItem);
            pdu.Byte(0);
            var itemStart = pdu.BeginLength16();
            pdu.Byte(context.Id);
            pdu.Zeros(3);
            WriteUidItem(pdu, AbstractSyntaxItem, context.AbstractSyntax);
            foreach (var syntax in context.TransferSyntaxes)
                WriteUidItem(pdu, TransferSyntaxItem, syntax);
            pdu.EndLength16(itemStart);
        }
        WriteUserInformation(pdu, request.UserInformation, isRequest: true);
        pdu.EndLength32(bodyStart);
        return pdu.ToArray();
    }

    public static byte[] EncodeAccept(AssociationAccept accept)
    {
        var pdu = BeginPdu(PduType.AssociateAccept, out var bodyStart);
        WriteFixedFields(pdu, accept.ProtocolVersion, accept.CalledAeTitle, accept.CallingAeTitle);
        WriteUidItem(pdu, ApplicationContextItem, accept.ApplicationContextName);
        foreach (var context in accept.PresentationContexts)
        {
            pdu.Byte(PresentationContextAcItem);
            pdu.Byte(0);
            var itemStart = pdu.BeginLength16();
            pdu.Byte(context.Id);
            pdu.Byte(0);
            pdu.Byte((byte)context.Result);
            pdu.Byte(0);
            WriteUidItem(pdu, TransferSyntaxItem, context.Result == PresentationContextResult.Acceptance ? context.TransferSyntax : "");
            pdu.EndLength16(itemStart);
        }
        WriteUserInformation(pdu, accept.UserInformation, isRequest: false);
        pdu.EndLength32(bodyStart);
        return pdu.ToArray();
    }

    public static byte[] EncodeReject(AssociationRejection rejection) =>
        [(byte)PduType.AssociateReject, 0, 0, 0, 0, 4, 0, (byte)rejection.Result, (byte)rejection.Source, rejection.Reason];

    public static byte[] EncodeReleaseRequest() => [(byte)PduType.ReleaseRequest, 0, 0, 0, 0, 4, 0, 0, 0, 0];

    public static byte[] EncodeReleaseResponse() => [(byte)PduType.ReleaseResponse, 0, 0, 0, 0, 4, 0, 0, 0, 0];

    public static byte[] EncodeAbort(AbortSource source, AbortReason reason) =>
        [(byte)PduType.Abort, 0, 0, 0, 0, 4, 0, 0, (byte)source, source == AbortSource.ServiceProvider ? (byte)reason : (byte)0];

    private static PduBuilder BeginPdu(PduType type, out int bodyStart)
    {
        var pdu = new PduBuilder();
        pdu.Byte((byte)type);
        pdu.Byte(0);
        bodyStart = pdu.BeginLength32();
        return pdu;
    }

    private static void WriteFixedFields(PduBuilder pdu, ushort protocolVersion, string calledAeTitle, string callingAeTitle)
    {
        pdu.UInt16(protocolVersion);
        pdu.Zeros(2);
        pdu.AeTitle(calledAeTitle);
        pdu.AeTitle(callingAeTitle);
        pdu.Zeros(32);
    }

    private static void WriteUidItem(PduBuilder pdu, byte itemType, string uid)
    {
        pdu.Byte(itemType);
        pdu.Byte(0);
        var start = pdu.BeginLength16();
        pdu.Ascii(uid);
        pdu.EndLength16(start);
    }

    private static void WriteUserInformation(PduBuilder pdu, UserInformation info, bool isRequest)
    {
        pdu.Byte(UserInformationItem);
        pdu.Byte(0);
        var userStart = pdu.BeginLength16();

        pdu.Byte(MaxLengthItem);
        pdu.Byte(0);
        pdu.UInt16(4);
        pdu.UInt32(info.MaxPduLength);

        if (info.ImplementationClassUid is { } classUid)
            WriteUidItem(pdu, ImplementationClassUidItem, classUid);

        if (info.AsyncOperations is { } window)
        {
            pdu.Byte(AsyncOperationsItem);
            pdu.Byte(0);
            pdu.UInt16(4);
            pdu.UInt16(window.MaxOperationsInvoked);
            pdu.UInt16(window.MaxOperationsPerformed);
        }

        foreach (var role in info.RoleSelections)
        {
            pdu.Byte(RoleSelectionItem);
            pdu.Byte(0);
            var start = pdu.BeginLength16();
            WriteLength16Text(pdu, role.SopClassUid);
            pdu.Byte(role.ScuRole ? (byte)1 : (byte)0);
            pdu.Byte(role.ScpRole ? (byte)1 : (byte)0);
            pdu.EndLength16(start);
        }

        if (info.ImplementationVersionName is { Length: > 0 } versionName)
        {
            if (versionName.Length > 16)
                throw new ArgumentException("Implementation version name is longer than 16 characters.");
            WriteUidItem(pdu, ImplementationVersionItem, versionName);
        }

        foreach (var negotiation in info.ExtendedNegotiations)
        {
            pdu.Byte(ExtendedNegotiationItem);
            pdu.Byte(0);
            var start = pdu.BeginLength16();
            WriteLength16Text(pdu, negotiation.SopClassUid);
            pdu.Bytes(negotiation.ServiceClassApplicationInformation);
            pdu.EndLength16(start);
        }

        if (isRequest)
        {
            foreach (var negotiation in info.CommonExtendedNegotiations)
            {
                pdu.Byte(CommonExtendedNegotiationItem);
                pdu.Byte(0); // sub-item version
                var start = pdu.BeginLength16();
                WriteLength16Text(pdu, negotiation.SopClassUid);
                WriteLength16Text(pdu, negotiation.ServiceClassUid);
                var relatedStart = pdu.BeginLength16();
                foreach (var related in negotiation.RelatedGeneralSopClassUids)
                    WriteLength16Text(pdu, related);
                pdu.EndLength16(relatedStart);
                pdu.EndLength16(start);
            }

            if (info.UserIdentity is { } identity)
            {
                pdu.Byte(UserIdentityRqItem);
                pdu.Byte(0);
                var start = pdu.BeginLength16();
                pdu.Byte((byte)identity.Type);
                pdu.Byte(identity.PositiveResponseRequested ? (byte)1 : (byte)0);
                WriteLength16Bytes(pdu, identity.PrimaryField);
                WriteLength16Bytes(pdu, identity.SecondaryField);
                pdu.EndLength16(start);
            }
        }
        else if (info.UserIdentityServerResponse is { } response)
        {
            pdu.Byte(UserIdentityAcItem);
            pdu.Byte(0);
            var start = pdu.BeginLength16();
            WriteLength16Bytes(pdu, response);
            pdu.EndLength16(start);
        }

        pdu.EndLength16(userStart);
    }

    private static void WriteLength16Text(PduBuilder pdu, string text)
    {
        var start = pdu.BeginLength16();
        pdu.Ascii(text);
        pdu.EndLength16(start);
    }

    private static void WriteLength16Bytes(PduBuilder pdu, byte[] bytes)
    {
        var start = pdu.BeginLength16();
        pdu.Bytes(bytes);
        pdu.EndLength16(start);
    }

    /// <summary>AE titles: 1 to 16 characters of the default repertoire, no backslash or control characters (PS3.5 VR AE).</summary>
    public static void ValidateAeTitle(string aeTitle, string which)
    {
        var trimmed = aeTitle.Trim(' ');
        if (trimmed.Length is 0 or > 16 || trimmed.Any(c => c < ' ' || c > '~' || c == '\\'))
            throw new ArgumentException($"Invalid {which} AE title '{aeTitle}': 1 to 16 printable ASCII characters, no backslash.");
    }

    // ---------------------------------------------------------------- decoding

    public static AssociationRequest DecodeRequest(ReadOnlySpan<byte> body)
    {
        var reader = new PduSpanReader(body, 6);
        var (version, called, calling) = ReadFixedFields(ref reader);
        string? applicationContext = null;
        UserInformation? userInformation = null;
        var contexts = new List<PresentationContextProposal>();
        var ids = new HashSet<byte>();

        while (!reader.IsAtEnd)
        {
            var itemType = reader.ReadByte();
            reader.Skip(1);
            var item = reader.Slice(reader.ReadUInt16());
            switch (itemType)
            {
                case ApplicationContextItem:
                    applicationContext = item.ReadUid(item.Remaining);
                    break;
                case PresentationContextRqItem:
                    var proposal = ReadProposal(ref item);
                    if (proposal.Id % 2 == 0 || !ids.Add(proposal.Id))
                        throw Invalid($"presentation context ID {proposal.Id} is even or repeated");
                    contexts.Add(proposal);
                    break;
                case UserInformationItem:
                    userInformation = ReadUserInformation(ref item, isRequest: true);
                    break;
                default:
                    break; // unknown items are skipped (PS3.8 section 9.3.1)
            }
        }

        if (applicationContext is null)
            throw Invalid("A-ASSOCIATE-RQ has no application context item");
        if (contexts.Count == 0)
            throw Invalid("A-ASSOCIATE-RQ has no presentation context");
        if (userInformation is null)
            throw Invalid("A-ASSOCIATE-RQ has no user information item");

        return new AssociationRequest
        {
            ProtocolVersion = version,
            CalledAeTitle = called,
            CallingAeTitle = calling,
            ApplicationContextName = applicationContext,
            PresentationContexts = contexts,
            UserInformation = userInformation,
        };
    }

    public static AssociationAccept DecodeAccept(ReadOnlySpan<byte> body)
    {
        var reader = new PduSpanReader(body, 6);
        var (version, called, calling) = ReadFixedFields(ref reader);
        string? applicationContext = null;
        var userInformation = new UserInformation();
        var contexts = new List<PresentationContextAnswer>();

        while (!reader.IsAtEnd)
        {
            var itemType = reader.ReadByte();
            reader.Skip(1);
            var item = reader.Slice(reader.ReadUInt16());
            switch (itemType)
            {
                case ApplicationContextItem:
                    applicationContext = item.ReadUid(item.Remaining);
                    break;
                case PresentationContextAcItem:
                    contexts.Add(ReadAnswer(ref item));
                    break;
                case UserInformationItem:
                    userInformation = ReadUserInformation(ref item, isRequest: false);
                    break;
                default:
                    break;
            }
        }

        return new AssociationAccept
        {
            ProtocolVersion = version,
            CalledAeTitle = called,
            CallingAeTitle = calling,
            ApplicationContextName = applicationContext ?? throw Invalid("A-ASSOCIATE-AC has no application context item"),
            PresentationContexts = contexts,
            UserInformation = userInformation,
        };
    }

    public static AssociationRejection DecodeReject(ReadOnlySpan<byte> body)
    {
        var reader = new PduSpanReader(body, 6);
        reader.Skip(1);
        return new AssociationRejection((RejectResult)reader.ReadByte(), (RejectSource)reader.ReadByte(), reader.ReadByte());
    }

    public static (AbortSource Source, AbortReason Reason) DecodeAbort(ReadOnlySpan<byte> body)
    {
        var reader = new PduSpanReader(body, 6);
        reader.Skip(2);
        return ((AbortSource)reader.ReadByte(), (AbortReason)reader.ReadByte());
    }

    private static (ushort Version, string Called, string Calling) ReadFixedFields(ref PduSpanReader reader)
    {
        if (reader.Remaining < FixedFieldsLength)
            throw Invalid($"A-ASSOCIATE PDU body of {reader.Remaining} bytes is shorter than its {FixedFieldsLength} fixed bytes");
        var version = reader.ReadUInt16();
        reader.Skip(2);
        var called = reader.ReadAeTitle();
        var calling = reader.ReadAeTitle();
        reader.Skip(32);
        return (version, called, calling);
    }

    private static PresentationContextProposal ReadProposal(ref PduSpanReader item)
    {
        var id = item.ReadByte();
        item.Skip(3);
        string? abstractSyntax = null;
        var transferSyntaxes = new List<string>();
        while (!item.IsAtEnd)
        {
            var subType = item.ReadByte();
            item.Skip(1);
            var sub = item.Slice(item.ReadUInt16());
            var uid = sub.ReadUid(sub.Remaining);
            if (subType == AbstractSyntaxItem)
            {
                if (abstractSyntax is not null)
                    throw Invalid($"presentation context {id} has more than one abstract syntax");
                abstractSyntax = uid;
            }
            else if (subType == TransferSyntaxItem)
            {
                transferSyntaxes.Add(uid);
            }
            else
            {
                throw new DicomProtocolException(AbortReason.UnrecognizedPduParameter, $"Unknown sub-item 0x{subType:X2} in presentation context {id}.");
            }
        }
        if (string.IsNullOrEmpty(abstractSyntax) || transferSyntaxes.Count == 0)
            throw Invalid($"presentation context {id} lacks an abstract syntax or a transfer syntax");
        return new PresentationContextProposal(id, abstractSyntax, transferSyntaxes);
    }

    private static PresentationContextAnswer ReadAnswer(ref PduSpanReader item)
    {
        var id = item.ReadByte();
        item.Skip(1);
        var result = (PresentationContextResult)item.ReadByte();
        item.Skip(1);
        var transferSyntax = "";
        while (!item.IsAtEnd)
        {
            var subType = item.ReadByte();
            item.Skip(1);
            var sub = item.Slice(item.ReadUInt16());
            if (subType == TransferSyntaxItem)
                transferSyntax = sub.ReadUid(sub.Remaining);
        }
        if (result == PresentationContextResult.Acceptance && transferSyntax.Length == 0)
            throw Invalid($"accepted presentation context {id} has no transfer syntax");
        return new PresentationContextAnswer(id, result, transferSyntax);
    }

    private static UserInformation ReadUserInformation(ref PduSpanReader item, bool isRequest)
    {
        var info = new UserInformation();
        var sawMaxLength = false;
        while (!item.IsAtEnd)
        {
            var subType = item.ReadByte();
            item.Skip(1);
            var sub = item.Slice(item.ReadUInt16());
            switch (subType)
            {
                case MaxLengthItem:
                    info.MaxPduLength = sub.ReadUInt32();
                    sawMaxLength = true;
                    break;
                case ImplementationClassUidItem:
                    info.ImplementationClassUid = sub.ReadUid(sub.Remaining);
                    break;
                case AsyncOperationsItem:
                    info.AsyncOperations = new AsyncOperationsWindow(sub.ReadUInt16(), sub.ReadUInt16());
                    break;
                case RoleSelectionItem:
                    var roleUid = sub.ReadUid(sub.ReadUInt16());
                    info.RoleSelections.Add(new RoleSelection(roleUid, sub.ReadByte() == 1, sub.ReadByte() == 1));
                    break;
                case ImplementationVersionItem:
                    info.ImplementationVersionName = sub.ReadText(sub.Remaining);
                    break;
                case ExtendedNegotiationItem:
                    var extendedUid = sub.ReadUid(sub.ReadUInt16());
                    info.ExtendedNegotiations.Add(new SopClassExtendedNegotiation(extendedUid, sub.ReadBytes(sub.Remaining).ToArray()));
                    break;
                case CommonExtendedNegotiationItem when isRequest:
                    info.CommonExtendedNegotiations.Add(ReadCommonExtendedNegotiation(ref sub));
                    break;
                case UserIdentityRqItem when isRequest:
                    var type = (UserIdentityType)sub.ReadByte();
                    var positive = sub.ReadByte() == 1;
                    var primary = sub.ReadBytes(sub.ReadUInt16()).ToArray();
                    var secondary = sub.IsAtEnd ? [] : sub.ReadBytes(sub.ReadUInt16()).ToArray();
                    info.UserIdentity = new UserIdentityRequest(type, positive, primary, secondary);
                    break;
                case UserIdentityAcItem when !isRequest:
                    info.UserIdentityServerResponse = sub.ReadBytes(sub.ReadUInt16()).ToArray();
                    break;
                default:
                    info.UnknownItems.Add((subType, sub.ReadBytes(sub.Remaining).ToArray()));
                    break;
            }
        }
        if (!sawMaxLength && isRequest)
            throw Invalid("user information has no maximum length sub-item");
        return info;
    }

    private static SopClassCommonExtendedNegotiation ReadCommonExtendedNegotiation(ref PduSpanReader sub)
    {
        var sopClass = sub.ReadUid(sub.ReadUInt16());
        var serviceClass = sub.ReadUid(sub.ReadUInt16());
        var relatedList = sub.Slice(sub.ReadUInt16());
        var related = new List<string>();
        while (!relatedList.IsAtEnd)
            related.Add(relatedList.ReadUid(relatedList.ReadUInt16()));
        return new SopClassCommonExtendedNegotiation(sopClass, serviceClass, related);
    }

    private static DicomProtocolException Invalid(string what) =>
        new(AbortReason.InvalidPduParameterValue, char.ToUpperInvariant(what[0]) + what[1..] + ".");

    /// <summary>Readable one-line summary of a PDU type for logs and errors.</summary>
    public static string Describe(byte pduType) => Enum.IsDefined((PduType)pduType)
        ? ((PduType)pduType).ToString()
        : $"unknown PDU type 0x{pduType:X2}";

    internal static string AeTitleFromBytes(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes).Trim(' ');
}
