using DrimCloud.Api.DicomWeb;

namespace DrimCloud.Api.Forwarders;

/// <summary>
/// The forwarders' control plane. Forwarders (forwarder tokens) report their health and long-poll for commands under
/// <c>/tenants/{tenant}/forwarder</c>; tenant administrators see every forwarder of their tenant and queue commands
/// under <c>/tenants/{tenant}/forwarders</c>.
/// </summary>
public static class ForwarderEndpoints
{
    public const string ForwarderPolicy = "forwarder";

    public static IServiceCollection AddForwarderControl(this IServiceCollection services)
    {
        services.AddSingleton<ForwarderCommandSignal>();
        services.AddScoped<ForwarderCommandQueue>();
        services.AddScoped<ForwarderHeartbeats>();
        services.AddScoped<ForwarderCommands>();
        services.AddScoped<MissingStudyPull>();
        return services;
    }

    public static void MapForwarderEndpoints(this RouteGroupBuilder tenant)
    {
        var self = tenant.MapGroup("/forwarder").RequireAuthorization(ForwarderPolicy);
        self.MapPut("/status", (HttpContext http, ForwarderHeartbeat heartbeat, ForwarderHeartbeats heartbeats) => heartbeats.RecordAsync(http, heartbeat));
        self.MapGet("/commands/next", (HttpContext http, int? waitSeconds, ForwarderCommands commands) => commands.NextAsync(http, waitSeconds));
        self.MapPost("/commands/{id:guid}/outcome", (HttpContext http, Guid id, ForwarderCommandOutcome outcome, ForwarderCommands commands) =>
            commands.CompleteAsync(http, id, outcome));

        var admin = tenant.MapGroup("/forwarders").RequireAuthorization(DicomWebEndpoints.TenantAdministratorPolicy);
        admin.MapGet("/", (HttpContext http, ForwarderHeartbeats heartbeats) => heartbeats.ListAsync(http));
        admin.MapPost("/{clientId}/commands", (HttpContext http, string clientId, CreateForwarderCommand request, ForwarderCommands commands) =>
            commands.CreateAsync(http, clientId, request));
        admin.MapGet("/{clientId}/commands", (HttpContext http, string clientId, ForwarderCommands commands) => commands.ListAsync(http, clientId));
        admin.MapGet("/{clientId}/commands/{id:guid}", (HttpContext http, string clientId, Guid id, ForwarderCommands commands) =>
            commands.GetAsync(http, clientId, id));
    }
}
