using Microsoft.Extensions.Options;

namespace DrimCloud.Forwarder.Reports;

public static class ReportPathRegistration
{
    /// <summary>The RIS report path: MLLP listener → report spool → relay to the cloud's report intake.</summary>
    public static IServiceCollection AddReportPath(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<Hl7ListenerOptions>()
            .Bind(configuration.GetSection(Hl7ListenerOptions.Section))
            .Validate(o => System.Net.IPAddress.TryParse(o.BindAddress, out _), "Forwarder:Hl7:BindAddress must be an IP address.")
            .Validate(o => o.Port is >= 0 and <= 65535, "Forwarder:Hl7:Port must be a TCP port.")
            .Validate(o => o.MaxMessageBytes > 0 && o.MaxConnections > 0, "Forwarder:Hl7 limits must be positive.")
            .ValidateOnStart();
        services.AddSingleton(sp => new ReportSpool(sp.GetRequiredService<IOptions<Hl7ListenerOptions>>().Value.ResolveSpoolDirectory(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ReportSpool>>()));
        services.AddSingleton<MllpReportListener>();
        services.AddHostedService(sp => sp.GetRequiredService<MllpReportListener>());
        services.AddSingleton<ReportRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<ReportRelay>());
        services.AddSingleton<ReportQueueStatus>();
        services.AddSingleton<DrimCloud.Forwarder.Control.IQueueStatusSource>(sp => sp.GetRequiredService<ReportQueueStatus>());
        return services;
    }
}
