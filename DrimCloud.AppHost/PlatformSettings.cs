using Microsoft.Extensions.Configuration;

/// <summary>
/// The AppHost's configuration switches (section <c>DrimCloud</c>), read once and passed to every service as
/// environment variables. Defaults are the embedded ones: SQLite + file blobs + SQLite job storage in one data folder.
/// </summary>
internal sealed record PlatformSettings(
    string DataDir,
    string DatabaseProvider,
    string? DatabaseConnectionString,
    string BlobProvider,
    string? BlobConnectionString,
    string JobStorage)
{
    public static PlatformSettings From(IConfiguration configuration, string repositoryRoot)
    {
        var dataDir = configuration["DrimCloud:DataDir"];
        return new PlatformSettings(
            DataDir: Path.GetFullPath(string.IsNullOrWhiteSpace(dataDir) ? Path.Combine(repositoryRoot, ".drimcloud-data") : dataDir),
            DatabaseProvider: Or(configuration["DrimCloud:Database:Provider"], "Sqlite"),
            DatabaseConnectionString: configuration.GetConnectionString("drimcloud"),
            BlobProvider: Or(configuration["DrimCloud:Blobs:Provider"], "FileSystem"),
            BlobConnectionString: configuration.GetConnectionString("blobs"),
            JobStorage: configuration["DrimCloud:Jobs:Storage"] ?? "");
    }

    private static string Or(string? value, string fallback) => string.IsNullOrWhiteSpace(value) ? fallback : value.Trim();
}
