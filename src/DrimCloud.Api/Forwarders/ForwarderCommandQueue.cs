using DrimCloud.Data;
using DrimCloud.Domain.Forwarders;
using Microsoft.EntityFrameworkCore;

namespace DrimCloud.Api.Forwarders;

/// <summary>
/// Hands a forwarder its next command. A claim is a conditional update (only one poller can win a row, whatever the
/// number of API instances) and a lease: a command whose forwarder died mid-way is offered again after
/// <see cref="ForwarderCommand.ClaimLease"/>, up to <see cref="ForwarderCommand.MaxAttempts"/> times.
/// </summary>
public sealed class ForwarderCommandQueue(DrimCloudDbContext db, ITenantContext tenant, ForwarderCommandSignal signal, TimeProvider clock)
{
    private static readonly TimeSpan DatabaseRecheck = TimeSpan.FromSeconds(2);

    /// <summary>The claimed command, or null when none came within <paramref name="wait"/>.</summary>
    public async Task<ForwarderCommand?> ClaimNextAsync(string clientId, TimeSpan wait, CancellationToken cancellationToken)
    {
        var tenantId = tenant.TenantId ?? throw new InvalidOperationException("No tenant.");
        var deadline = clock.GetUtcNow() + wait;
        while (true)
        {
            // Subscribe before looking, so a command queued between the look and the wait still wakes us.
            var woken = signal.WaitAsync(tenantId, clientId);
            var claimed = await TryClaimAsync(clientId, cancellationToken);
            if (claimed is not null) return claimed;
            var left = deadline - clock.GetUtcNow();
            if (left <= TimeSpan.Zero) return null;
            var nap = left < DatabaseRecheck ? left : DatabaseRecheck;
            await Task.WhenAny(woken, Task.Delay(nap, clock, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private async Task<ForwarderCommand?> TryClaimAsync(string clientId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var leaseExpired = now - ForwarderCommand.ClaimLease;
        var candidates = await db.ForwarderCommands.AsNoTracking()
            .Where(c => c.ClientId == clientId && (c.State == ForwarderCommandState.Pending || c.State == ForwarderCommandState.InProgress))
            .OrderBy(c => c.CreatedAt)
            .Select(c => new { c.Id, c.State, c.ClaimedAt, c.Attempts })
            .Take(20)
            .ToListAsync(cancellationToken);

        foreach (var candidate in candidates)
        {
            if (candidate.State == ForwarderCommandState.InProgress && candidate.ClaimedAt > leaseExpired) continue;
            if (candidate.Attempts >= ForwarderCommand.MaxAttempts)
            {
                await db.ForwarderCommands.Where(c => c.Id == candidate.Id && c.State == candidate.State && c.Attempts == candidate.Attempts)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, ForwarderCommandState.Failed)
                        .SetProperty(c => c.CompletedAt, now)
                        .SetProperty(c => c.Detail, $"No outcome reported after {candidate.Attempts} attempts."), cancellationToken);
                continue;
            }
            // Only the poller whose update still sees the state and attempt count it read wins the row.
            var won = await db.ForwarderCommands
                .Where(c => c.Id == candidate.Id && c.State == candidate.State && c.Attempts == candidate.Attempts)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, ForwarderCommandState.InProgress)
                    .SetProperty(c => c.ClaimedAt, now)
                    .SetProperty(c => c.Attempts, c => c.Attempts + 1), cancellationToken);
            if (won == 1)
                return await db.ForwarderCommands.AsNoTracking().SingleAsync(c => c.Id == candidate.Id, cancellationToken);
        }
        return null;
    }
}
