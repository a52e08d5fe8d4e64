using DrimCloud.Tests;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DrimCloud.Data.Tests;

/// <summary>A fresh, migrated database of one provider; dropped at the end.</summary>
public abstract class DatabaseFixture : IAsyncLifetime
{
    public abstract DatabaseProvider Provider { get; }
    public string ConnectionString { get; protected set; } = "";
    public Func<ITenantContext, DrimCloudDbContext> Create { get; private set; } = null!;

    public DrimCloudDbContext For(Guid tenant) => Create(TenantContext.For(tenant));
    public DrimCloudDbContext Unscoped() => Create(TenantContext.None());

    public async Task InitializeAsync()
    {
        await PrepareAsync();
        if (string.IsNullOrEmpty(ConnectionString)) return;
        Create = DataServiceCollectionExtensions.ContextFactory(Provider, ConnectionString);
        await using var db = Unscoped();
        await db.Database.MigrateAsync();
    }

    protected abstract Task PrepareAsync();
    public abstract Task DisposeAsync();
}

public sealed class SqliteDatabase : DatabaseFixture
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"drimcloud-data-test-{Guid.NewGuid():N}.db");
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    protected override Task PrepareAsync()
    {
        ConnectionString = $"Data Source={_path};Pooling=False";
        return Task.CompletedTask;
    }

    public override Task DisposeAsync()
    {
        foreach (var f in new[] { _path, _path + "-wal", _path + "-shm" }) File.Delete(f);
        return Task.CompletedTask;
    }
}

/// <summary>A database of its own on the real PostgreSQL server started by ./test.sh.</summary>
public sealed class PostgreSqlDatabase : DatabaseFixture
{
    private readonly string _name = $"drimcloud_test_{Guid.NewGuid():N}";
    private string? _server;
    public override DatabaseProvider Provider => DatabaseProvider.PostgreSql;

    protected override async Task PrepareAsync()
    {
        _server = TestEnvironment.PostgresConnectionString;
        if (string.IsNullOrWhiteSpace(_server))
        {
            if (TestEnvironment.IsCi) throw new InvalidOperationException("DRIMCLOUD_TEST_POSTGRES is not set: run ./test.sh.");
            return; // tests call RequireServer() and skip
        }
        await using var conn = new NpgsqlConnection(_server);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{_name}\"", conn);
        await cmd.ExecuteNonQueryAsync();
        ConnectionString = new NpgsqlConnectionStringBuilder(_server) { Database = _name }.ConnectionString;
    }

    public void RequireServer() => TestEnvironment.Require(_server, "PostgreSQL");

    public override async Task DisposeAsync()
    {
        if (string.IsNullOrWhiteSpace(_server)) return;
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(_server);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
