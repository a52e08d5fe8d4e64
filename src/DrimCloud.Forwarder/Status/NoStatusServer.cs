using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;

namespace DrimCloud.Forwarder.Status;

/// <summary>
/// Stands in for Kestrel when <c>Forwarder:Status:Port</c> is -1: a Kestrel with no endpoint configured would
/// still listen, on its default http://localhost:5000, so "disabled" has to mean "no server at all".
/// </summary>
internal sealed class NoStatusServer : IServer
{
    public IFeatureCollection Features { get; } = new FeatureCollection();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull =>
        Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
    }
}
