using DrimCloud.Forwarder.Cloud;
using Microsoft.Extensions.Options;

namespace DrimCloud.Forwarder.Control;

/// <summary>
/// Long-polls the cloud for commands (no inbound port at the hospital), runs each one and reports its outcome.
/// Commands run one at a time: they move whole studies through the PACS, which hospitals want gentle.
/// A command whose outcome could not be reported is simply offered again by the cloud after its lease.
/// </summary>
public sealed class CommandLoop(ControlPlaneClient cloud, PullFromPacs pull, PushToPacs push, IOptions<ControlOptions> options,
    ILogger<CommandLoop> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var command = await cloud.PollAsync(options.Value.PollWaitSeconds, stoppingToken);
                backoff = TimeSpan.FromSeconds(1);
                if (command is null) continue;
                var outcome = await RunAsync(command, stoppingToken);
                await cloud.ReportAsync(command.Id, outcome, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or ControlPlaneException or CredentialsRejectedException or TaskCanceledException)
            {
                logger.LogWarning("Command channel: {Reason}; retrying in {Seconds} s.", e.Message, (int)backoff.TotalSeconds);
                try { await Task.Delay(Jitter(backoff), stoppingToken); }
                catch (OperationCanceledException) { return; }
                backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            }
        }
    }

    public async Task<CommandOutcome> RunAsync(CloudCommand command, CancellationToken cancellationToken)
    {
        logger.LogInformation("Command {Id}: {Kind} study {Study} accession {Accession} (attempt {Attempt}).",
            command.Id, command.Kind, command.StudyInstanceUid, command.AccessionNumber, command.Attempts);
        try
        {
            var outcome = command.Kind switch
            {
                "pull-from-pacs" => await pull.RunAsync(command, cancellationToken),
                "push-to-pacs" => await push.RunAsync(command, cancellationToken),
                _ => new CommandOutcome(false, null, $"This forwarder does not know the command '{command.Kind}'; update it."),
            };
            logger.Log(outcome.Succeeded ? LogLevel.Information : LogLevel.Warning, "Command {Id} {Result}: {Detail}",
                command.Id, outcome.Succeeded ? "succeeded" : "failed", outcome.Detail);
            return outcome;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Command {Id} failed.", command.Id);
            return new CommandOutcome(false, null, e.Message);
        }
    }

    private static TimeSpan Jitter(TimeSpan delay) => delay * (0.5 + Random.Shared.NextDouble() / 2);
}
