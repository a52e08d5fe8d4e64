using System.Collections.Concurrent;

namespace DrimCloud.Api.Forwarders;

/// <summary>
/// Wakes a forwarder's pending long-poll as soon as a command is queued for it on this API instance. Other API
/// instances do not see the signal; their polls re-read the database every few seconds, so a command is never
/// missed, only picked up a little later.
/// </summary>
public sealed class ForwarderCommandSignal
{
    private readonly ConcurrentDictionary<(Guid Tenant, string Client), TaskCompletionSource> _waiters = new();

    /// <summary>A task that completes at the next <see cref="Notify"/> for this forwarder.</summary>
    public Task WaitAsync(Guid tenant, string client) =>
        _waiters.GetOrAdd((tenant, client), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Notify(Guid tenant, string client)
    {
        if (_waiters.TryRemove((tenant, client), out var waiter)) waiter.TrySetResult();
    }
}
