using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace DrimCloud.Data.Providers;

// One subclass per provider so that each keeps its own migrations (Migrations/<Provider>/), generated with
//   dotnet ef migrations add <Name> -p src/DrimCloud.Data -c <Provider>DrimCloudDbContext -o Migrations/<Provider>

public sealed class SqliteDrimCloudDbContext(DbContextOptions<SqliteDrimCloudDbContext> options)
    : DrimCloudDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no date-time-offset type: store UTC ticks so ordering and range filters run in SQL.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

public sealed class PostgreSqlDrimCloudDbContext(DbContextOptions<PostgreSqlDrimCloudDbContext> options)
    : DrimCloudDbContext(options);

public sealed class SqlServerDrimCloudDbContext(DbContextOptions<SqlServerDrimCloudDbContext> options)
    : DrimCloudDbContext(options);
