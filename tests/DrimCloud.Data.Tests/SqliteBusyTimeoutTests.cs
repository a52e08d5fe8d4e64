using Microsoft.EntityFrameworkCore;

namespace DrimCloud.Data.Tests;

/// <summary>
/// Every connection EF opens on SQLite waits for a busy writer inside SQLite (busy_timeout), whether it comes fresh or
/// from the pool: without it concurrent writers sleep 150 ms per retry in Microsoft.Data.Sqlite.
/// </summary>
public sealed class SqliteBusyTimeoutTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"drimcloud-busy-{Guid.NewGuid():N}.db");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Every_open_connection_has_the_busy_timeout(bool pooling)
    {
        var create = DataServiceCollectionExtensions.ContextFactory(DatabaseProvider.Sqlite, $"Data Source={_path};Pooling={pooling}");
        for (var i = 0; i < 3; i++)
        {
            await using var db = create(TenantContext.None());
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA busy_timeout";
            Assert.Equal(30000L, Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
            await db.Database.CloseConnectionAsync();
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var f in new[] { _path, _path + "-wal", _path + "-shm" }) File.Delete(f);
    }
}
