using DrimCloud.Data;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.SqlServer;
using Hangfire.Storage.SQLite;

namespace DrimCloud.Worker.Hosting;

/// <summary>
/// Picks Hangfire's storage: <c>Jobs:Storage</c> = Sqlite | PostgreSql | SqlServer | InMemory; empty means "the same
/// engine as the platform database" (a separate SQLite file for the embedded default, the same database otherwise,
/// in a <c>hangfire</c> schema). Durable storages keep every job across restarts; InMemory is for throwaway runs.
/// </summary>
public static class JobStorageFactory
{
    public static readonly string[] ValidStorages = ["Sqlite", "PostgreSql", "SqlServer", "InMemory"];

    public static Hangfire.JobStorage Create(IConfiguration configuration, string dataDirectory)
    {
        var configured = configuration["Jobs:Storage"];
        var storage = string.IsNullOrWhiteSpace(configured)
            ? DatabaseProviderNames.Parse(configuration["Database:Provider"]).ToString()
            : configured.Trim();
        string ServerConnectionString() => DataServiceCollectionExtensions.ResolveDatabase(configuration).ConnectionString;
        var poll = TimeSpan.FromSeconds(configuration.GetValue("Jobs:QueuePollSeconds", 1));

        if (storage.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            var path = Path.Combine(dataDirectory, "hangfire.db");
            return new SQLiteStorage(path, new SQLiteStorageOptions { QueuePollInterval = poll });
        }
        if (storage.Equals("PostgreSql", StringComparison.OrdinalIgnoreCase))
        {
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(ServerConnectionString(), new PostgreSqlStorageOptions()),
                new PostgreSqlStorageOptions { PrepareSchemaIfNecessary = true, SchemaName = "hangfire", QueuePollInterval = poll });
        }
        if (storage.Equals("SqlServer", StringComparison.OrdinalIgnoreCase))
        {
            return new SqlServerStorage(ServerConnectionString(), new SqlServerStorageOptions
            {
                PrepareSchemaIfNecessary = true, SchemaName = "hangfire", QueuePollInterval = poll,
            });
        }
        if (storage.Equals("InMemory", StringComparison.OrdinalIgnoreCase)) return new InMemoryStorage();
        throw new InvalidOperationException(
            $"Unknown job storage '{storage}' in configuration key Jobs:Storage. Valid storages: {string.Join(", ", ValidStorages)}.");
    }
}
