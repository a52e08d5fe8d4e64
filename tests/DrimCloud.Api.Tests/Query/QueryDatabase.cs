using DrimCloud.Data;
using DrimCloud.Domain.Tenants;
using DrimCloud.Tests;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DrimCloud.Api.Tests.Query;

/// <summary>
/// A database of one provider created from the real migrations, holding <see cref="QueryCorpus"/> in two tenants
/// (the second one with the same UIDs, to prove the searches never cross tenants).
/// </summary>
public abstract class QueryDatabase : IAsyncLifetime
{
    private Func<ITenantContext, DrimCloudDbContext> _create = null!;

    public bool Available { get; private set; }
    public Guid TenantA { get; private set; }
    public Guid TenantB { get; private set; }

    public DrimCloudDbContext For(Guid tenant) => _create(TenantContext.For(tenant));

    public async Task InitializeAsync()
    {
        var connectionString = await PrepareAsync();
        if (connectionString is null) return;
        _create = DataServiceCollectionExtensions.ContextFactory(Provider, connectionString);
        await using (var platform = _create(TenantContext.None()))
        {
            await platform.Database.MigrateAsync();
            var a = new Tenant { Slug = "query-a", DisplayName = "A" };
            var b = new Tenant { Slug = "query-b", DisplayName = "B" };
            platform.Tenants.AddRange(a, b);
            await platform.SaveChangesAsync();
            (TenantA, TenantB) = (a.Id, b.Id);
        }
        await using (var db = For(TenantA)) await QueryCorpus.SeedAsync(db, QueryCorpus.TenantAStudies());
        await using (var db = For(TenantB)) await QueryCorpus.SeedAsync(db, QueryCorpus.TenantBStudies());
        Available = true;
    }

    protected abstract DatabaseProvider Provider { get; }

    /// <returns>The connection string, or null when the server is not available (the tests then skip).</returns>
    protected abstract Task<string?> PrepareAsync();

    public abstract Task DisposeAsync();
}

/// <summary>In-memory SQLite, kept alive by one open connection for the fixture's lifetime.</summary>
public sealed class SqliteQueryDatabase : QueryDatabase
{
    private readonly string _connectionString = $"Data Source=qido-{Guid.NewGuid():N};Mode=Memory;Cache=Shared";
    private SqliteConnection? _keepAlive;

    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    protected override async Task<string?> PrepareAsync()
    {
        _keepAlive = new SqliteConnection(_connectionString);
        await _keepAlive.OpenAsync();
        return _connectionString;
    }

    public override async Task DisposeAsync()
    {
        if (_keepAlive is not null) await _keepAlive.DisposeAsync();
    }
}

/// <summary>A throw-away database on the PostgreSQL server ./test.sh starts (DRIMCLOUD_TEST_POSTGRES).</summary>
public sealed class PostgreSqlQueryDatabase : QueryDatabase
{
    private readonly string _name = $"drimcloud_qido_{Guid.NewGuid():N}";
    private string? _server;

    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;

    protected override async Task<string?> PrepareAsync()
    {
        _server = TestEnvironment.PostgresConnectionString;
        if (string.IsNullOrWhiteSpace(_server))
        {
            if (TestEnvironment.IsCi) throw new InvalidOperationException("DRIMCLOUD_TEST_POSTGRES is not set: run ./test.sh.");
            return null;
        }
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(_server) { Database = _name }.ConnectionString;
    }

    public override async Task DisposeAsync()
    {
        if (string.IsNullOrWhiteSpace(_server)) return;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
