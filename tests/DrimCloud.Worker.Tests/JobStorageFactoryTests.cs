using DrimCloud.Worker.Hosting;
using Microsoft.Extensions.Configuration;

namespace DrimCloud.Worker.Tests;

public sealed class JobStorageFactoryTests
{
    [Fact]
    public void An_unknown_job_storage_fails_naming_the_valid_ones()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Jobs:Storage"] = "Redis" }).Build();
        var e = Assert.Throws<InvalidOperationException>(() => JobStorageFactory.Create(configuration, Path.GetTempPath()));
        Assert.Contains("Sqlite, PostgreSql, SqlServer, InMemory", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_embedded_default_is_a_SQLite_file_in_the_data_folder()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"drimcloud-jobs-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var storage = JobStorageFactory.Create(new ConfigurationBuilder().Build(), dir);
            Assert.Equal("SQLiteStorage", storage.GetType().Name);
            Assert.True(File.Exists(Path.Combine(dir, "hangfire.db")));
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
