using DrimCloud.Storage.Azure;
using DrimCloud.Storage.FileSystem;
using global::Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DrimCloud.Storage;

public static class StorageServiceCollectionExtensions
{
    public static readonly string[] ValidProviders = ["FileSystem", "Azure"];

    /// <summary>
    /// Registers the configured <see cref="IBlobStore"/>. <paramref name="dataDirectory"/> is the platform's data folder,
    /// under which the file-system store keeps <c>blobs/</c> unless <c>Blobs:RootPath</c> says otherwise.
    /// </summary>
    public static IServiceCollection AddDrimCloudBlobStore(this IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        var options = configuration.GetSection(BlobStorageOptions.Section).Get<BlobStorageOptions>() ?? new BlobStorageOptions();
        var provider = string.IsNullOrWhiteSpace(options.Provider) ? "FileSystem" : options.Provider.Trim();
        if (provider.Equals("FileSystem", StringComparison.OrdinalIgnoreCase))
        {
            var root = string.IsNullOrWhiteSpace(options.RootPath) ? Path.Combine(dataDirectory, "blobs") : options.RootPath;
            services.AddSingleton<IBlobStore>(_ => new FileSystemBlobStore(root));
        }
        else if (provider.Equals("Azure", StringComparison.OrdinalIgnoreCase))
        {
            var cs = options.ConnectionString;
            if (string.IsNullOrWhiteSpace(cs)) cs = configuration.GetConnectionString(BlobStorageOptions.ConnectionStringName);
            if (string.IsNullOrWhiteSpace(cs))
                throw new InvalidOperationException($"Blobs:Provider is Azure but no connection string is set (Blobs:ConnectionString or ConnectionStrings:{BlobStorageOptions.ConnectionStringName}).");
            services.AddSingleton<IBlobStore>(_ => new AzureBlobStore(new BlobServiceClient(cs)));
        }
        else
        {
            throw new InvalidOperationException($"Unknown blob provider '{provider}' in configuration key Blobs:Provider. Valid providers: {string.Join(", ", ValidProviders)}.");
        }
        return services;
    }
}
