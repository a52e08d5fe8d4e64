using System.Reflection;
using Microsoft.Extensions.Options;

namespace DrimCloud.Forwarder.Control;

/// <summary>
/// Every 30 s: tells the cloud how this forwarder is doing (version, queue depth and bytes, oldest pending item,
/// last error, PACS link), so the hospital's backlog and a broken PACS link show in the portal before anyone calls.
/// A missed heartbeat is only logged: the next one carries the current state anyway.
/// </summary>
public sealed class HeartbeatService(ControlPlaneClient cloud, IEnumerable<IQueueStatusSource> queues, PacsLink pacs,
    IOptions<ControlOptions> options, TimeProvider clock, ILogger<HeartbeatService> logger) : BackgroundService
{
    private static readonly string Version =
        typeof(HeartbeatService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private bool _failing;

    public DateTimeOffset? LastSentAt { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, clock);
        do
        {
            await BeatOnceAsync(stoppingToken);
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    public async Task BeatOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var queue = queues.Aggregate(QueueSnapshot.Empty, (sum, q) => sum.Plus(q.Snapshot()));
            var (pacsLink, pacsDetail) = await pacs.CheckAsync(cancellationToken);
            await cloud.SendHeartbeatAsync(new
            {
                version = Version, hostName = Environment.MachineName, reportedAt = clock.GetUtcNow(),
                queueDepth = queue.Depth, queueBytes = queue.Bytes, oldestPendingAt = queue.OldestPendingAt, failedItems = queue.Failed,
                lastUploadAt = queue.LastUploadAt, lastError = queue.LastError, lastErrorAt = queue.LastErrorAt,
                pacsLink, pacsDetail,
            }, cancellationToken);
            LastSentAt = clock.GetUtcNow();
            if (_failing) logger.LogInformation("Heartbeats reach the cloud again.");
            _failing = false;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Once per outage, not every 30 s.
            if (!_failing) logger.LogWarning("Heartbeat not delivered: {Reason}", e.Message);
            _failing = true;
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try { return await timer.WaitForNextTickAsync(stoppingToken); }
        catch (OperationCanceledException) { return false; }
    }
}
