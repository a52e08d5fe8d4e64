using System.Collections.Concurrent;
using Aspire.Hosting.ApplicationModel;

namespace DrimCloud.IntegrationTests;

/// <summary>Collects the console lines of some resources from start-up on, so tests can assert on what a service logged.</summary>
public sealed class ResourceLogCollector : IDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _lines = new();
    private readonly CancellationTokenSource _stop = new();

    public ResourceLogCollector(ResourceLoggerService logs, DistributedApplicationModel model, IEnumerable<string> resources)
    {
        foreach (var resource in resources)
        {
            var queue = _lines.GetOrAdd(resource, _ => new ConcurrentQueue<string>());
            // Watch by resource (not by name): a project's logs are keyed by its instance id.
            var target = model.Resources.Single(r => r.Name == resource);
            _ = Task.Run(async () =>
            {
                try
                {
                    await foreach (var batch in logs.WatchAsync(target).WithCancellation(_stop.Token))
                        foreach (var line in batch) queue.Enqueue(line.Content);
                }
                catch (OperationCanceledException)
                {
                }
                catch (Exception e)
                {
                    queue.Enqueue($"[log watch failed: {e.GetType().Name}: {e.Message}]");
                }
            });
        }
    }

    public IReadOnlyList<string> Lines(string resource) => _lines.TryGetValue(resource, out var q) ? q.ToArray() : [];

    public async Task<string> WaitForLineAsync(string resource, Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var found = Lines(resource).FirstOrDefault(match);
            if (found is not null) return found;
            await Task.Delay(200);
        }
        throw new TimeoutException($"No matching line from {resource} within {timeout.TotalSeconds} s. Log:\n{string.Join('\n', Lines(resource))}");
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
