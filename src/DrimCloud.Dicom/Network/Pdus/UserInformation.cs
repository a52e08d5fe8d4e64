namespace DrimCloud.Dicom.Network;

/// <summary>
/// The user information item of an A-ASSOCIATE-RQ or -AC (PS3.7 Annex D, PS3.8 section 9.3.2.3): maximum PDU
/// length, implementation identification and the optional negotiations.
/// </summary>
public sealed class UserInformation
{
    /// <summary>Largest P-DATA-TF PDU variable field the sender of this item will accept; 0 means no limit.</summary>
    public uint MaxPduLength { get; set; }

    public string? ImplementationClassUid { get; set; }

    public string? ImplementationVersionName { get; set; }

    /// <summary>Asynchronous operations window; null when not negotiated (which means 1 and 1).</summary>
    public AsyncOperationsWindow? AsyncOperations { get; set; }

    public List<RoleSelection> RoleSelections { get; } = [];

    public List<SopClassExtendedNegotiation> ExtendedNegotiations { get; } = [];

    public List<SopClassCommonExtendedNegotiation> CommonExtendedNegotiations { get; } = [];

    /// <summary>User identity sent by the requestor (RQ only).</summary>
    public UserIdentityRequest? UserIdentity { get; set; }

    /// <summary>Server response to a user identity request (AC only); null when none is sent.</summary>
    public byte[]? UserIdentityServerResponse { get; set; }

    /// <summary>Sub-items with a type this implementation does not know; kept but otherwise ignored (PS3.7 D.3.3).</summary>
    public List<(byte Type, byte[] Value)> UnknownItems { get; } = [];
}

/// <summary>Asynchronous operations window sub-item (PS3.7 D.3.3.3); 0 means unlimited.</summary>
public sealed record AsyncOperationsWindow(ushort MaxOperationsInvoked, ushort MaxOperationsPerformed);

/// <summary>
/// SCP/SCU role selection sub-item (PS3.7 D.3.3.4). In a request, the roles the requestor wants to play for the
/// SOP class; in an accept, the roles the acceptor agrees to. C-GET needs the requestor to be SCP of the storage
/// SOP classes it will receive.
/// </summary>
public sealed record RoleSelection(string SopClassUid, bool ScuRole, bool ScpRole);

/// <summary>SOP class extended negotiation sub-item (PS3.7 D.3.3.5): opaque service-class information.</summary>
public sealed record SopClassExtendedNegotiation(string SopClassUid, byte[] ServiceClassApplicationInformation);

/// <summary>SOP class common extended negotiation sub-item (PS3.7 D.3.3.6; RQ only).</summary>
public sealed record SopClassCommonExtendedNegotiation(string SopClassUid, string ServiceClassUid, IReadOnlyList<string> RelatedGeneralSopClassUids);

/// <summary>User identity types (PS3.7 D.3.3.7).</summary>
public enum UserIdentityType : byte
{
    Username = 1,
    UsernameAndPasscode = 2,
    Kerberos = 3,
    Saml = 4,
    Jwt = 5,
}

/// <summary>User identity negotiation request (PS3.7 D.3.3.7.1).</summary>
public sealed record UserIdentityRequest(UserIdentityType Type, bool PositiveResponseRequested, byte[] PrimaryField, byte[] SecondaryField)
{
    public static UserIdentityRequest ForUsername(string username, string? passcode = null, bool positiveResponseRequested = false) =>
        passcode is null
            ? new(UserIdentityType.Username, positiveResponseRequested, System.Text.Encoding.UTF8.GetBytes(username), [])
            : new(UserIdentityType.UsernameAndPasscode, positiveResponseRequested, System.Text.Encoding.UTF8.GetBytes(username), System.Text.Encoding.UTF8.GetBytes(passcode));

    /// <summary>Primary field as UTF-8 text (user name, or token text for SAML/JWT).</summary>
    public string PrimaryText => System.Text.Encoding.UTF8.GetString(PrimaryField);

    public string SecondaryText => System.Text.Encoding.UTF8.GetString(SecondaryField);
}
