namespace DrimCloud.IntegrationTests.Forwarder;

/// <summary>A throw-away folder for one test (spool, generated instances, storescp output).</summary>
public sealed class ForwarderTestFolder : IDisposable
{
    public string Path { get; } = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"drimcloud-fwd-{Guid.NewGuid():N}")).FullName;

    public string Sub(string name) => Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
