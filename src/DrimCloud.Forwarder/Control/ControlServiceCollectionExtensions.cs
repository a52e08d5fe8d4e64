using DrimCloud.Forwarder.Cloud;

namespace DrimCloud.Forwarder.Control;

public static class ControlServiceCollectionExtensions
{
    /// <summary>Heartbeat and command channel to the cloud, and the PACS these commands work on.</summary>
    public static IHostApplicationBuilder AddForwarderControl(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PacsOptions>().Bind(builder.Configuration.GetSection(PacsOptions.Section));
        builder.Services.AddOptions<ControlOptions>().Bind(builder.Configuration.GetSection(ControlOptions.Section))
            .Validate(o => o.PollWaitSeconds is >= 1 and <= 50, "Forwarder:Control:PollWaitSeconds must be 1 to 50.")
            .Validate(o => o.HeartbeatInterval >= TimeSpan.FromSeconds(1), "Forwarder:Control:HeartbeatInterval must be at least 1 s.")
            .ValidateOnStart();
        // The shared pipeline's 10 s attempt timeout would cut every long-poll; this client retries on its own.
        // RemoveAllResilienceHandlers is marked experimental (EXTEXP0001) but is the documented way to opt one client out.
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient(ControlPlaneClient.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(120))
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.Services.AddSingleton<ControlPlaneClient>();
        builder.Services.AddSingleton<PacsLink>();
        builder.Services.AddSingleton<PullFromPacs>();
        builder.Services.AddSingleton<PushToPacs>();
        builder.Services.AddSingleton<HeartbeatService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<HeartbeatService>());
        builder.Services.AddHostedService<CommandLoop>();
        return builder;
    }
}
