namespace DrimCloud.Data;

/// <summary>The database engines the platform runs on, chosen with the configuration key <c>Database:Provider</c>.</summary>
public enum DatabaseProvider
{
    /// <summary>Embedded default: one file under the data folder.</summary>
    Sqlite,

    /// <summary>PostgreSQL (sovereign HDS clouds; the real server in tests).</summary>
    PostgreSql,

    /// <summary>SQL Server / Azure SQL (production on Azure).</summary>
    SqlServer,
}

public static class DatabaseProviderNames
{
    public static string ValidNames => string.Join(", ", Enum.GetNames<DatabaseProvider>());

    /// <summary>Parses a provider name (case-insensitive); an unknown name fails with the list of valid ones.</summary>
    public static DatabaseProvider Parse(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return DatabaseProvider.Sqlite;
        if (Enum.TryParse<DatabaseProvider>(name.Trim(), ignoreCase: true, out var provider) && Enum.IsDefined(provider))
            return provider;
        // Accept the common spellings people type in configuration files.
        return name.Trim().ToUpperInvariant() switch
        {
            "POSTGRES" or "POSTGRESQL" or "NPGSQL" or "PG" => DatabaseProvider.PostgreSql,
            "MSSQL" or "AZURESQL" => DatabaseProvider.SqlServer,
            _ => throw new InvalidOperationException(
                $"Unknown database provider '{name}' in configuration key Database:Provider. Valid providers: {ValidNames}."),
        };
    }
}
