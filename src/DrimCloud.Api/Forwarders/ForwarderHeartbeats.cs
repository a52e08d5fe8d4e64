using DrimCloud.Api.Infrastructure;
using DrimCloud.Data;
using DrimCloud.Domain.Forwarders;
using DrimCloud.Domain.Tenants;
using Microsoft.EntityFrameworkCore;

namespace DrimCloud.Api.Forwarders;

/// <summary>Keeps the last heartbeat of each forwarder and lists them for the tenant's administrators.</summary>
public sealed class ForwarderHeartbeats(DrimCloudDbContext db, TimeProvider clock)
{
    /// <summary>A forwarder that has not reported for this long (three heartbeats) is shown offline.</summary>
    public static readonly TimeSpan OnlineWindow = TimeSpan.FromSeconds(90);

    public async Task<IResult> RecordAsync(HttpContext http, ForwarderHeartbeat heartbeat)
    {
        var cancellationToken = http.RequestAborted;
        var clientId = http.User.FindFirst("sub")?.Value;
        if (clientId is null) return Results.Problem(statusCode: 403, title: "Forbidden", detail: "The token names no client.");
        if (heartbeat.QueueDepth < 0 || heartbeat.QueueBytes < 0 || heartbeat.FailedItems < 0)
            return Results.Problem(statusCode: 400, title: "Bad Request", detail: "queueDepth, queueBytes and failedItems cannot be negative.");
        var pacsLink = heartbeat.PacsLink ?? PacsLinkStates.Unknown;
        if (!PacsLinkStates.IsValid(pacsLink))
            return Results.Problem(statusCode: 400, title: "Bad Request", detail: "pacsLink: unknown, not-configured, ok or unreachable.");

        var now = clock.GetUtcNow();
        var status = await db.ForwarderStatuses.SingleOrDefaultAsync(s => s.ClientId == clientId, cancellationToken);
        if (status is null)
        {
            status = new ForwarderStatus { ClientId = clientId };
            db.ForwarderStatuses.Add(status);
        }
        status.Version = Truncate(heartbeat.Version, 64);
        status.HostName = Truncate(heartbeat.HostName, 200);
        status.ReportedAt = heartbeat.ReportedAt ?? now;
        status.ReceivedAt = now;
        status.QueueDepth = heartbeat.QueueDepth;
        status.QueueBytes = heartbeat.QueueBytes;
        status.OldestPendingAt = heartbeat.OldestPendingAt;
        status.FailedItems = heartbeat.FailedItems;
        status.LastUploadAt = heartbeat.LastUploadAt;
        status.LastError = Truncate(heartbeat.LastError, 2000);
        status.LastErrorAt = heartbeat.LastErrorAt;
        status.PacsLink = pacsLink;
        status.PacsDetail = Truncate(heartbeat.PacsDetail, 400);

        var client = await db.Clients.SingleOrDefaultAsync(c => c.ClientId == clientId, cancellationToken);
        if (client is not null) client.LastSeenAt = now;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (db.ChangeTracker.Entries<ForwarderStatus>().Any(e => e.State == EntityState.Added))
        {
            // Two first heartbeats raced: the other one created the row; this one is superseded by the next beat.
        }
        return Results.NoContent();
    }

    public async Task<IResult> ListAsync(HttpContext http)
    {
        var cancellationToken = http.RequestAborted;
        var now = clock.GetUtcNow();
        var clients = await db.Clients.AsNoTracking().Where(c => c.Kind == TenantClientKind.Forwarder)
            .OrderBy(c => c.ClientId).ToListAsync(cancellationToken);
        var statuses = await db.ForwarderStatuses.AsNoTracking().ToDictionaryAsync(s => s.ClientId, cancellationToken);
        return Results.Ok(clients.Select(c =>
        {
            statuses.TryGetValue(c.ClientId, out var status);
            var online = status is not null && now - status.ReceivedAt < OnlineWindow;
            return new ForwarderView(c.ClientId, c.DisplayName, c.Enabled, c.LastSeenAt, online, status is null ? null : ForwarderStatusView.Of(status));
        }));
    }

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
