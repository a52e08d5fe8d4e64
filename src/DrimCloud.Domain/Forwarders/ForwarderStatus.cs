namespace DrimCloud.Domain.Forwarders;

/// <summary>
/// The last heartbeat of one on-prem forwarder (one row per forwarder client, overwritten by each heartbeat): what the
/// portal shows a tenant's IT, and what tells an operator that a hospital's backlog is growing.
/// </summary>
public sealed class ForwarderStatus : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenantId { get; set; }

    /// <summary>The forwarder's OAuth2 client id (the token's subject).</summary>
    public required string ClientId { get; set; }

    public string? Version { get; set; }
    public string? HostName { get; set; }

    /// <summary>When the forwarder sent it (its own clock) and when the cloud received it (ours).</summary>
    public DateTimeOffset ReportedAt { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>Items waiting in the spool (instances and messages) and their size.</summary>
    public int QueueDepth { get; set; }
    public long QueueBytes { get; set; }
    public DateTimeOffset? OldestPendingAt { get; set; }
    public int FailedItems { get; set; }

    public DateTimeOffset? LastUploadAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? LastErrorAt { get; set; }

    /// <summary>Link to the local PACS as the forwarder sees it (<see cref="PacsLinkStates"/>).</summary>
    public string PacsLink { get; set; } = PacsLinkStates.Unknown;
    public string? PacsDetail { get; set; }
}

public static class PacsLinkStates
{
    public const string Unknown = "unknown";
    public const string NotConfigured = "not-configured";
    public const string Ok = "ok";
    public const string Unreachable = "unreachable";

    public static bool IsValid(string value) => value is Unknown or NotConfigured or Ok or Unreachable;
}
