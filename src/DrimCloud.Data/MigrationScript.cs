using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace DrimCloud.Data;

/// <summary>Generates a provider's migration script without contacting any database (what 'dotnet ef migrations script' does).</summary>
public static class MigrationScript
{

    public static string Generate(DatabaseProvider provider, bool idempotent = true)
    {
        var connection = provider switch
        {
            DatabaseProvider.Sqlite => "Data Source=script.db",
            DatabaseProvider.PostgreSql => "Host=localhost;Database=script",
            _ => "Server=localhost;Database=script;TrustServerCertificate=True",
        };
        using var db = DataServiceCollectionExtensions.ContextFactory(provider, connection)(TenantContext.None());
        var migrator = db.GetService<IMigrator>();
        return migrator.GenerateScript(options: idempotent ? MigrationsSqlGenerationOptions.Idempotent : MigrationsSqlGenerationOptions.Default);
    }
}
