using Microsoft.Extensions.Configuration;

namespace DrimCloud.Data;

/// <summary>
/// The one folder that holds every embedded default (SQLite database, file blobs, job storage, dev keys):
/// configuration key <c>DrimCloud:DataDir</c>, else <c>./.drimcloud-data</c> under the current directory.
/// </summary>
public static class DataDirectory
{
    public const string ConfigurationKey = "DrimCloud:DataDir";

    public static string Resolve(IConfiguration configuration)
    {
        var configured = configuration[ConfigurationKey];
        var path = Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? ".drimcloud-data" : configured);
        Directory.CreateDirectory(path);
        return path;
    }
}
