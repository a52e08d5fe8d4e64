namespace DrimCloud.Dicom.Network;

/// <summary>Base of every error raised by the DICOM network layer.</summary>
public class DicomNetworkException : IOException
{
    public DicomNetworkException()
    {
    }

    public DicomNetworkException(string message)
        : base(message)
    {
    }

    public DicomNetworkException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The peer broke the upper layer protocol (malformed, truncated or oversized PDU, unknown PDU type, a PDU that
/// is not allowed in the current state). The association is aborted with <see cref="Reason"/>.
/// </summary>
public sealed class DicomProtocolException : DicomNetworkException
{
    public DicomProtocolException(AbortReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    public DicomProtocolException()
        : this(AbortReason.NotSpecified, "DICOM upper layer protocol error.")
    {
    }

    public DicomProtocolException(string message)
        : this(AbortReason.NotSpecified, message)
    {
    }

    public DicomProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AbortReason Reason { get; }
}

/// <summary>The association was aborted, by the peer (A-ABORT received, connection lost) or locally.</summary>
public sealed class DicomAssociationAbortedException : DicomNetworkException
{
    public DicomAssociationAbortedException(string message, AbortSource source = AbortSource.ServiceProvider, AbortReason reason = AbortReason.NotSpecified, Exception? innerException = null)
        : base(message, innerException ?? new IOException(message))
    {
        AbortSource = source;
        Reason = reason;
    }

    public DicomAssociationAbortedException()
        : this("The association was aborted.")
    {
    }

    public DicomAssociationAbortedException(string message, Exception innerException)
        : this(message, AbortSource.ServiceProvider, AbortReason.NotSpecified, innerException)
    {
    }

    public DicomAssociationAbortedException(string message)
        : this(message, AbortSource.ServiceProvider)
    {
    }

    public AbortSource AbortSource { get; }
    public AbortReason Reason { get; }
}

/// <summary>The peer rejected the association request (A-ASSOCIATE-RJ).</summary>
public sealed class DicomAssociationRejectedException : DicomNetworkException
{
    public DicomAssociationRejectedException(RejectResult result, RejectSource source, byte reason)
        : base($"Association rejected ({(result == RejectResult.Permanent ? "permanent" : "transient")}): {RejectReason.Describe(source, reason)}.")
    {
        Result = result;
        RejectSource = source;
        Reason = reason;
    }

    public DicomAssociationRejectedException()
        : this(RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.NoReasonGiven)
    {
    }

    public DicomAssociationRejectedException(string message)
        : base(message)
    {
    }

    public DicomAssociationRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RejectResult Result { get; }
    public RejectSource RejectSource { get; }
    public byte Reason { get; }
}

/// <summary>Which upper layer timer expired.</summary>
public enum DicomTimeoutKind
{
    /// <summary>Association establishment or release did not complete in time (PS3.8 ARTIM timer).</summary>
    Artim,

    /// <summary>A DIMSE response, or the rest of a message already started, did not arrive in time.</summary>
    Dimse,

    /// <summary>An established association stayed silent for too long.</summary>
    Idle,
}

/// <summary>A network timer expired; the association has been aborted and its connection closed.</summary>
public sealed class DicomNetworkTimeoutException : DicomNetworkException
{
    public DicomNetworkTimeoutException(DicomTimeoutKind kind, TimeSpan timeout)
        : base($"DICOM {kind} timeout ({timeout.TotalSeconds:0.###} s) expired.")
    {
        Kind = kind;
        Timeout = timeout;
    }

    public DicomNetworkTimeoutException()
        : this(DicomTimeoutKind.Dimse, TimeSpan.Zero)
    {
    }

    public DicomNetworkTimeoutException(string message)
        : base(message)
    {
    }

    public DicomNetworkTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DicomTimeoutKind Kind { get; }
    public TimeSpan Timeout { get; }
}
