using System.Text.Json;

namespace DrimCloud.Forwarder.Tests;

/// <summary>The runtime settings the forwarder's CPU per instance depends on (its runtimeconfig.json, copied beside the tests).</summary>
public sealed class RuntimeConfigurationTests
{
    private static JsonElement ConfigProperties()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "drimcloud-forwarder.runtimeconfig.json");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Fact]
    public void Methods_are_compiled_once_without_tiering()
    {
        // Tiered recompilation took 38% of the forwarder's CPU during the benchmark's series (bench/forwarder/README.md).
        Assert.False(ConfigProperties().GetProperty("System.Runtime.TieredCompilation").GetBoolean());
    }

    [Fact]
    public void Idle_thread_pool_workers_do_not_spin()
    {
        Assert.Equal(0, ConfigProperties().GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }
}
