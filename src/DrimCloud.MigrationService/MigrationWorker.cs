using System.Diagnostics;
using DrimCloud.Data;
using DrimCloud.Data.Provisioning;
using Microsoft.EntityFrameworkCore;

namespace DrimCloud.MigrationService;

/// <summary>Migrates the database to this build's schema, seeds Development data, and stops the process.</summary>
internal sealed class MigrationWorker(IServiceProvider services, IHostEnvironment environment, IHostApplicationLifetime lifetime,
    ILogger<MigrationWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await using (var scope = services.CreateAsyncScope())
            {
                var contexts = scope.ServiceProvider.GetRequiredService<ITenantScopedDbContextFactory>();
                await using var db = contexts.CreateUnscoped();
                var provider = scope.ServiceProvider.GetRequiredService<DatabaseInfo>().Provider;
                // Retry while the server starts (a fresh PostgreSQL takes a second or two to accept logins).
                var strategy = db.Database.CreateExecutionStrategy();
                await strategy.ExecuteAsync(async () =>
                {
                    if (provider == DatabaseProvider.Sqlite)
                    {
                        // WAL lets the API, identity and worker read while another process writes.
                        await db.Database.OpenConnectionAsync(stoppingToken);
                        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", stoppingToken);
                    }
                    var pending = (await db.Database.GetPendingMigrationsAsync(stoppingToken)).ToList();
                    await db.Database.MigrateAsync(stoppingToken);
                    logger.LogInformation("Database ({Provider}) migrated: {Count} migration(s) applied in {Elapsed} ms.",
                        provider, pending.Count, clock.ElapsedMilliseconds);
                });

                if (environment.IsDevelopment())
                    await DevelopmentSeed.RunAsync(scope.ServiceProvider.GetRequiredService<TenantProvisioning>(), logger, stoppingToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogCritical(e, "Database migration failed.");
            Environment.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }
}
