using System.Globalization;
using DrimCloud.Domain.Tenants;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace DrimCloud.Data.Provisioning;

/// <summary>
/// Creates tenants and their OAuth2 clients. Idempotent: running it again with the same names changes nothing
/// (a secret given for an existing client is not replaced; rotating secrets is an explicit operation).
/// </summary>
public sealed class TenantProvisioning(ITenantScopedDbContextFactory contexts, IOpenIddictApplicationManager applications)
{
    public const string ApiScope = "drimcloud.api";
    public const string OperationsScope = "drimcloud.operations";

    public async Task<Tenant> EnsureTenantAsync(string slug, string displayName, CancellationToken cancellationToken = default)
    {
        if (!Tenant.IsValidSlug(slug)) throw new ArgumentException($"Invalid tenant slug '{slug}'.", nameof(slug));
        await using var db = contexts.CreateUnscoped();
        var tenant = await db.Tenants.SingleOrDefaultAsync(t => t.Slug == slug, cancellationToken);
        if (tenant is not null) return tenant;
        tenant = new Tenant { Slug = slug, DisplayName = displayName };
        db.Tenants.Add(tenant);
        await db.SaveChangesAsync(cancellationToken);
        return tenant;
    }

    /// <summary>Registers a forwarder client bound to <paramref name="tenant"/>; returns false if it already existed.</summary>
    public Task<bool> EnsureForwarderClientAsync(Tenant tenant, string clientId, string secret, string displayName, CancellationToken cancellationToken = default) =>
        EnsureTenantClientAsync(tenant, clientId, secret, displayName, TenantClientKind.Forwarder, cancellationToken);

    /// <summary>
    /// Registers a client of <paramref name="tenant"/> of the given kind; returns false if it already existed. Its access
    /// tokens live <paramref name="accessTokenLifetime"/> when given (a per-client setting of the identity server),
    /// otherwise the server's default (Identity:AccessTokenLifetimeMinutes).
    /// </summary>
    public async Task<bool> EnsureTenantClientAsync(Tenant tenant, string clientId, string secret, string displayName, TenantClientKind kind,
        CancellationToken cancellationToken = default, TimeSpan? accessTokenLifetime = null)
    {
        var created = false;
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is null)
        {
            var descriptor = new OpenIddictApplicationDescriptor
            {
                ClientId = clientId,
                ClientSecret = secret,
                ClientType = ClientTypes.Confidential,
                DisplayName = displayName,
                Permissions =
                {
                    Permissions.Endpoints.Token,
                    Permissions.GrantTypes.ClientCredentials,
                    Permissions.Prefixes.Scope + ApiScope,
                },
            };
            if (accessTokenLifetime is { } lifetime)
                descriptor.Settings[Settings.TokenLifetimes.AccessToken] = lifetime.ToString("c", CultureInfo.InvariantCulture);
            await applications.CreateAsync(descriptor, cancellationToken);
            created = true;
        }

        await using var db = contexts.Create(tenant.Id);
        if (!await db.Clients.IgnoreQueryFilters().AnyAsync(f => f.ClientId == clientId, cancellationToken))
        {
            db.Clients.Add(new TenantClient { TenantId = tenant.Id, ClientId = clientId, DisplayName = displayName, Kind = kind });
            await db.SaveChangesAsync(cancellationToken);
            created = true;
        }
        return created;
    }

    /// <summary>Registers a platform operator client (Hangfire dashboard, operations API); not bound to a tenant.</summary>
    public async Task<bool> EnsureOperatorClientAsync(string clientId, string secret, CancellationToken cancellationToken = default)
    {
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is not null) return false;
        await applications.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = "Platform operator",
            Permissions =
            {
                Permissions.Endpoints.Token,
                Permissions.GrantTypes.ClientCredentials,
                Permissions.Prefixes.Scope + OperationsScope,
            },
        }, cancellationToken);
        return true;
    }
}
