using DrimCloud.Domain.Forwarders;

namespace DrimCloud.Api.Forwarders;

/// <summary>What a forwarder sends every 30 s (<c>PUT /tenants/{tenant}/forwarder/status</c>).</summary>
public sealed record ForwarderHeartbeat(
    string? Version, string? HostName, DateTimeOffset? ReportedAt,
    int QueueDepth, long QueueBytes, DateTimeOffset? OldestPendingAt, int FailedItems,
    DateTimeOffset? LastUploadAt, string? LastError, DateTimeOffset? LastErrorAt,
    string? PacsLink, string? PacsDetail);

/// <summary>An administrator's request: <c>POST /tenants/{tenant}/forwarders/{clientId}/commands</c>.</summary>
public sealed record CreateForwarderCommand(string Kind, string? StudyInstanceUid, string? AccessionNumber);

/// <summary>A forwarder's report on a command it claimed.</summary>
public sealed record ForwarderCommandOutcome(bool Succeeded, int? Instances, string? Detail);

public sealed record ForwarderCommandView(
    Guid Id, string ClientId, string Kind, string State, string? StudyInstanceUid, string? AccessionNumber,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? ClaimedAt, DateTimeOffset? CompletedAt, int Attempts,
    int? Instances, string? Detail)
{
    public static ForwarderCommandView Of(ForwarderCommand c) => new(c.Id, c.ClientId, CommandKinds.Name(c.Kind),
        CommandStates.Name(c.State), c.StudyInstanceUid, c.AccessionNumber, c.CreatedAt, c.CreatedBy, c.ClaimedAt,
        c.CompletedAt, c.Attempts, c.Instances, c.Detail);
}

public sealed record ForwarderView(string ClientId, string DisplayName, bool Enabled, DateTimeOffset? LastSeenAt, bool Online,
    ForwarderStatusView? Status);

public sealed record ForwarderStatusView(
    string? Version, string? HostName, DateTimeOffset ReportedAt, DateTimeOffset ReceivedAt,
    int QueueDepth, long QueueBytes, DateTimeOffset? OldestPendingAt, int FailedItems,
    DateTimeOffset? LastUploadAt, string? LastError, DateTimeOffset? LastErrorAt, string PacsLink, string? PacsDetail)
{
    public static ForwarderStatusView Of(ForwarderStatus s) => new(s.Version, s.HostName, s.ReportedAt, s.ReceivedAt,
        s.QueueDepth, s.QueueBytes, s.OldestPendingAt, s.FailedItems, s.LastUploadAt, s.LastError, s.LastErrorAt,
        s.PacsLink, s.PacsDetail);
}

/// <summary>The wire names of command kinds and states (kebab case, stable).</summary>
public static class CommandKinds
{
    public const string PullFromPacs = "pull-from-pacs";
    public const string PushToPacs = "push-to-pacs";

    public static string Name(ForwarderCommandKind kind) => kind switch
    {
        ForwarderCommandKind.PullFromPacs => PullFromPacs,
        ForwarderCommandKind.PushToPacs => PushToPacs,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static ForwarderCommandKind? Parse(string? name) => name switch
    {
        PullFromPacs => ForwarderCommandKind.PullFromPacs,
        PushToPacs => ForwarderCommandKind.PushToPacs,
        _ => null,
    };
}

public static class CommandStates
{
    public static string Name(ForwarderCommandState state) => state switch
    {
        ForwarderCommandState.Pending => "pending",
        ForwarderCommandState.InProgress => "in-progress",
        ForwarderCommandState.Succeeded => "succeeded",
        ForwarderCommandState.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };
}
