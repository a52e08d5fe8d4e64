namespace DrimCloud.Dicom.Network;

/// <summary>Content of an A-ASSOCIATE-RQ PDU.</summary>
public sealed class AssociationRequest
{
    public required string CalledAeTitle { get; init; }

    public required string CallingAeTitle { get; init; }

    public string ApplicationContextName { get; init; } = WellKnownUids.DicomApplicationContext;

    /// <summary>Protocol version bit field; bit 0 (version 1) is the only one defined.</summary>
    public ushort ProtocolVersion { get; init; } = 1;

    public List<PresentationContextProposal> PresentationContexts { get; init; } = [];

    public UserInformation UserInformation { get; init; } = new();
}

/// <summary>Content of an A-ASSOCIATE-AC PDU.</summary>
public sealed class AssociationAccept
{
    /// <summary>Echo of the request's called AE title (reserved in the standard; sent back by convention).</summary>
    public required string CalledAeTitle { get; init; }

    public required string CallingAeTitle { get; init; }

    public string ApplicationContextName { get; init; } = WellKnownUids.DicomApplicationContext;

    public ushort ProtocolVersion { get; init; } = 1;

    public List<PresentationContextAnswer> PresentationContexts { get; init; } = [];

    public UserInformation UserInformation { get; init; } = new();
}

/// <summary>Content of an A-ASSOCIATE-RJ PDU.</summary>
public sealed record AssociationRejection(RejectResult Result, RejectSource Source, byte Reason)
{
    public override string ToString() =>
        $"{(Result == RejectResult.Permanent ? "permanent" : "transient")} rejection: {RejectReason.Describe(Source, Reason)}";
}
