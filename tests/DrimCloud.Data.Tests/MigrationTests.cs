using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace DrimCloud.Data.Tests;

public sealed class MigrationTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    [InlineData(DatabaseProvider.SqlServer)]
    public void Each_provider_has_migrations_matching_the_model(DatabaseProvider provider)
    {
        // A model change without its migration would make production start on a stale schema.
        using var db = DataServiceCollectionExtensions.ContextFactory(provider, Placeholder(provider))(TenantContext.None());
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), $"{provider}: the model has changes without a migration; run dotnet ef migrations add.");
    }

    [Fact]
    public void The_idempotent_SQL_Server_script_is_generated_by_EF()
    {
        var script = MigrationScript.Generate(DatabaseProvider.SqlServer);
        using var db = DataServiceCollectionExtensions.ContextFactory(DatabaseProvider.SqlServer, Placeholder(DatabaseProvider.SqlServer))(TenantContext.None());
        foreach (var migration in db.Database.GetMigrations())
            Assert.Contains($"WHERE [MigrationId] = N'{migration}'", script, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE [Instances]", script, StringComparison.Ordinal);
        Assert.Contains("CREATE UNIQUE INDEX [IX_Instances_TenantId_SopInstanceUid]", script, StringComparison.Ordinal);
        Assert.Contains("OpenIddictApplications", script, StringComparison.Ordinal);

        // Kept as a CI artifact for DBAs who apply scripts themselves.
        var artifacts = Path.Combine(RepositoryRoot(), "artifacts");
        Directory.CreateDirectory(artifacts);
        File.WriteAllText(Path.Combine(artifacts, "sqlserver-migrations.sql"), script);
    }

    [Fact]
    public async Task Migrations_apply_to_a_fresh_SQLite_database_and_are_idempotent()
    {
        var path = Path.Combine(Path.GetTempPath(), $"drimcloud-migrate-{Guid.NewGuid():N}.db");
        try
        {
            var create = DataServiceCollectionExtensions.ContextFactory(DatabaseProvider.Sqlite, $"Data Source={path};Pooling=False");
            await using (var db = create(TenantContext.None())) await db.Database.MigrateAsync();
            await using (var db = create(TenantContext.None()))
            {
                await db.Database.MigrateAsync();
                Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("oracle")]
    [InlineData("mysql")]
    public void An_unknown_provider_fails_naming_the_valid_ones(string name)
    {
        var e = Assert.Throws<InvalidOperationException>(() => DatabaseProviderNames.Parse(name));
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
        Assert.Contains("Sqlite, PostgreSql, SqlServer", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, DatabaseProvider.Sqlite)]
    [InlineData("sqlite", DatabaseProvider.Sqlite)]
    [InlineData("PostgreSQL", DatabaseProvider.PostgreSql)]
    [InlineData("postgres", DatabaseProvider.PostgreSql)]
    [InlineData("SqlServer", DatabaseProvider.SqlServer)]
    public void Known_provider_names_parse(string? name, DatabaseProvider expected) =>
        Assert.Equal(expected, DatabaseProviderNames.Parse(name));

    [Fact]
    public void Registration_with_an_unknown_provider_fails_at_start_up()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Database:Provider"] = "db2" }).Build();
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        var e = Assert.Throws<InvalidOperationException>(() => services.AddDrimCloudData(configuration));
        Assert.Contains("Valid providers: Sqlite, PostgreSql, SqlServer", e.Message, StringComparison.Ordinal);
    }

    private static string Placeholder(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => "Data Source=:memory:",
        DatabaseProvider.PostgreSql => "Host=localhost;Database=x",
        _ => "Server=localhost;Database=x;TrustServerCertificate=True",
    };

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DrimCloud.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Path.GetTempPath();
    }
}

