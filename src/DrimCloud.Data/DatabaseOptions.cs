namespace DrimCloud.Data;

/// <summary>Configuration section <c>Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Sqlite (default), PostgreSql or SqlServer.</summary>
    public string? Provider { get; set; }

    /// <summary>
    /// Connection string; when empty, <c>ConnectionStrings:drimcloud</c> is used, and for SQLite the default is
    /// <c>{DataDir}/drimcloud.db</c>.
    /// </summary>
    public string? ConnectionString { get; set; }
}
