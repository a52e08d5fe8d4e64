namespace DrimCloud.Storage;

/// <summary>Configuration section <c>Blobs</c>.</summary>
public sealed class BlobStorageOptions
{
    public const string Section = "Blobs";
    public const string ConnectionStringName = "blobs";

    /// <summary>FileSystem (default) or Azure.</summary>
    public string? Provider { get; set; }

    /// <summary>Root folder of the file-system store; default <c>{DataDir}/blobs</c>.</summary>
    public string? RootPath { get; set; }

    /// <summary>Azure Storage connection string; default <c>ConnectionStrings:blobs</c>.</summary>
    public string? ConnectionString { get; set; }
}
