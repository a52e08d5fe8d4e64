using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace DrimCloud.Data.Providers;

// Used only by 'dotnet ef' to build each provider's model when adding migrations or generating scripts.
// The connection strings are placeholders: no database is contacted to generate code or SQL.

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteDrimCloudDbContext>
{
    public SqliteDrimCloudDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqliteDrimCloudDbContext>();
        options.ConfigureSqlite("Data Source=design.db");
        return new(options.Options);
    }
}

internal sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlDrimCloudDbContext>
{
    public PostgreSqlDrimCloudDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PostgreSqlDrimCloudDbContext>();
        options.ConfigurePostgreSql("Host=localhost;Database=design");
        return new(options.Options);
    }
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerDrimCloudDbContext>
{
    public SqlServerDrimCloudDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqlServerDrimCloudDbContext>();
        options.ConfigureSqlServer("Server=localhost;Database=design;Trusted_Connection=True;TrustServerCertificate=True");
        return new(options.Options);
    }
}
