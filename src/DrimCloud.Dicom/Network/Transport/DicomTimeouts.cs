namespace DrimCloud.Dicom.Network;

/// <summary>
/// Timers of an association. <see cref="Timeout.InfiniteTimeSpan"/> (or zero) disables one.
/// </summary>
public sealed record DicomTimeouts
{
    /// <summary>TCP (and TLS) connection establishment, for the requestor.</summary>
    public TimeSpan Connect { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// PS3.8 ARTIM timer: how long to wait for the A-ASSOCIATE-RQ after a connection is accepted, for the
    /// A-ASSOCIATE-AC/RJ after a request, for the A-RELEASE-RP, and for the peer to close after a reject or abort.
    /// </summary>
    public TimeSpan Artim { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest silence inside a DIMSE exchange: waiting for a response to a request, for the next fragment of a
    /// message already started, or for a write to be taken by the peer.
    /// </summary>
    public TimeSpan Dimse { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Longest silence of an established association with nothing outstanding, after which it is aborted.</summary>
    public TimeSpan Idle { get; init; } = TimeSpan.FromMinutes(5);

    public static DicomTimeouts Default { get; } = new();
}
