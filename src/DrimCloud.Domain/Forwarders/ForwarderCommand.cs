namespace DrimCloud.Domain.Forwarders;

/// <summary>What the cloud can ask a forwarder to do with its local PACS.</summary>
public enum ForwarderCommandKind
{
    /// <summary>C-FIND + C-MOVE a study out of the PACS and upload it (e.g. a report arrived for a study never pushed).</summary>
    PullFromPacs = 0,

    /// <summary>Retrieve a study from the cloud (WADO-RS) and C-STORE it into the PACS (e.g. prior exams from other sites).</summary>
    PushToPacs = 1,
}

public enum ForwarderCommandState
{
    Pending = 0,
    InProgress = 1,
    Succeeded = 2,
    Failed = 3,
}

/// <summary>
/// A request from the cloud to one forwarder. Forwarders open no inbound port: they long-poll the cloud, claim the
/// oldest pending command (a claim is a lease: a forwarder that dies mid-way gets it back after the lease), and
/// report the outcome.
/// </summary>
public sealed class ForwarderCommand : ITenantOwned
{
    /// <summary>How long a claimed command stays with its forwarder before it is offered again.</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(15);

    /// <summary>After this many claims without an outcome, the command fails instead of being offered again.</summary>
    public const int MaxAttempts = 5;

    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenantId { get; set; }

    /// <summary>The forwarder client that must execute it.</summary>
    public required string ClientId { get; set; }

    public ForwarderCommandKind Kind { get; set; }
    public string? StudyInstanceUid { get; set; }
    public string? AccessionNumber { get; set; }

    public ForwarderCommandState State { get; set; } = ForwarderCommandState.Pending;
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public required string CreatedBy { get; set; }
    public DateTimeOffset? ClaimedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public int Attempts { get; set; }

    /// <summary>Instances moved or stored, as reported by the forwarder.</summary>
    public int? Instances { get; set; }
    public string? Detail { get; set; }
}
