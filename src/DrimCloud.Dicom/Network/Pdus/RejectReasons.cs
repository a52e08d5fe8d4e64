namespace DrimCloud.Dicom.Network;

/// <summary>A-ASSOCIATE-RJ result (PS3.8 table 9-21).</summary>
public enum RejectResult : byte
{
    Permanent = 1,
    Transient = 2,
}

/// <summary>A-ASSOCIATE-RJ source.</summary>
public enum RejectSource : byte
{
    ServiceUser = 1,
    ServiceProviderAcse = 2,
    ServiceProviderPresentation = 3,
}

/// <summary>
/// A-ASSOCIATE-RJ reason; its meaning depends on the source, hence one enum per source folded into named values
/// of the raw byte.
/// </summary>
public static class RejectReason
{
    // Source: service user
    public const byte NoReasonGiven = 1;
    public const byte ApplicationContextNotSupported = 2;
    public const byte CallingAeTitleNotRecognized = 3;
    public const byte CalledAeTitleNotRecognized = 7;

    // Source: service provider, ACSE related
    public const byte ProtocolVersionNotSupported = 2;

    // Source: service provider, presentation related
    public const byte TemporaryCongestion = 1;
    public const byte LocalLimitExceeded = 2;

    public static string Describe(RejectSource source, byte reason) => (source, reason) switch
    {
        (RejectSource.ServiceUser, NoReasonGiven) => "no reason given",
        (RejectSource.ServiceUser, ApplicationContextNotSupported) => "application context name not supported",
        (RejectSource.ServiceUser, CallingAeTitleNotRecognized) => "calling AE title not recognized",
        (RejectSource.ServiceUser, CalledAeTitleNotRecognized) => "called AE title not recognized",
        (RejectSource.ServiceProviderAcse, NoReasonGiven) => "no reason given (ACSE)",
        (RejectSource.ServiceProviderAcse, ProtocolVersionNotSupported) => "protocol version not supported",
        (RejectSource.ServiceProviderPresentation, TemporaryCongestion) => "temporary congestion",
        (RejectSource.ServiceProviderPresentation, LocalLimitExceeded) => "local limit exceeded",
        _ => $"reason {reason} from source {(byte)source}",
    };
}
