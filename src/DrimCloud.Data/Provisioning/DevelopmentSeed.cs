using DrimCloud.Domain.Tenants;
using Microsoft.Extensions.Logging;

namespace DrimCloud.Data.Provisioning;

/// <summary>
/// The demo data of the Development environment (never seeded elsewhere): tenants <c>demo</c> and <c>demo-b</c>,
/// forwarder clients <c>demo-forwarder</c> / <c>demo-b-forwarder</c>, administrator clients <c>demo-admin</c> /
/// <c>demo-b-admin</c> and operator client <c>platform-operator</c>,
/// all with the secret <c>dev-secret</c>.
/// </summary>
public static class DevelopmentSeed
{
    public const string Secret = "dev-secret";

    public static async Task RunAsync(TenantProvisioning provisioning, ILogger logger, CancellationToken cancellationToken)
    {
        var demo = await provisioning.EnsureTenantAsync("demo", "Démo — Centre d'imagerie", cancellationToken);
        var demoB = await provisioning.EnsureTenantAsync("demo-b", "Démo B — Clinique", cancellationToken);
        await provisioning.EnsureForwarderClientAsync(demo, "demo-forwarder", Secret, "Forwarder démo", cancellationToken);
        await provisioning.EnsureForwarderClientAsync(demoB, "demo-b-forwarder", Secret, "Forwarder démo B", cancellationToken);
        await provisioning.EnsureTenantClientAsync(demo, "demo-admin", Secret, "Administration démo", TenantClientKind.Administrator, cancellationToken);
        await provisioning.EnsureTenantClientAsync(demoB, "demo-b-admin", Secret, "Administration démo B", TenantClientKind.Administrator, cancellationToken);
        await provisioning.EnsureOperatorClientAsync("platform-operator", Secret, cancellationToken);
        logger.LogInformation(
            "Development seed: tenants 'demo' and 'demo-b'; forwarder clients 'demo-forwarder' and 'demo-b-forwarder', tenant administrator clients 'demo-admin' and 'demo-b-admin', operator client 'platform-operator', all with secret '{Secret}'.",
            Secret);
    }
}
