using System.Security.Claims;
using DrimCloud.Data;
using DrimCloud.Domain.Audit;
using DrimCloud.Domain.Tenants;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace DrimCloud.Identity.Tokens;

/// <summary>
/// The token endpoint. OpenIddict has already authenticated the client (id + secret) when this runs; here we decide
/// what the token says: a forwarder gets its tenant, an operator client gets the operator role, anything else nothing.
/// </summary>
public static class TokenEndpoint
{
    public static IEndpointRouteBuilder MapTokenEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapPost("/connect/token", IssueAsync).AllowAnonymous();
        return app;
    }

    private static async Task<IResult> IssueAsync(HttpContext http, IOpenIddictApplicationManager applications,
        DrimCloudDbContext db, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict server request is missing.");
        if (!request.IsClientCredentialsGrantType())
            return Forbid(Errors.UnsupportedGrantType, "Only the client_credentials grant is supported here.");

        var clientId = request.ClientId!;
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (application is null) return Forbid(Errors.InvalidClient, "Unknown client.");

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, clientId);
        identity.SetClaim(Claims.Name, await applications.GetDisplayNameAsync(application, cancellationToken) ?? clientId);

        // Tenant clients are looked up across tenants: the client id is what tells us the tenant.
        var client = await db.Clients.IgnoreQueryFilters().Include(f => f.Tenant)
            .SingleOrDefaultAsync(f => f.ClientId == clientId, cancellationToken);
        var log = loggers.CreateLogger("DrimCloud.Identity.Tokens");
        if (client is not null)
        {
            if (!client.Enabled || client.Tenant is null)
            {
                log.LogWarning("Refused a token to client {ClientId}: it is disabled.", clientId);
                return Forbid(Errors.InvalidClient, "This client is disabled.");
            }
            identity.SetClaim(DrimCloudClaims.Tenant, client.Tenant.Slug);
            if (client.Kind == TenantClientKind.Administrator)
            {
                identity.SetClaim(DrimCloudClaims.ClientKind, "administrator");
                identity.AddClaim(new Claim(Claims.Role, DrimCloudClaims.TenantAdminRole));
            }
            else
            {
                identity.SetClaim(DrimCloudClaims.ClientKind, "forwarder");
            }
            await AuditAsync(client.TenantId, clientId, client.Kind, http, cancellationToken);
        }
        else if (await applications.HasPermissionAsync(application, Permissions.Prefixes.Scope + DrimCloudClaims.OperationsScope, cancellationToken))
        {
            identity.SetClaim(DrimCloudClaims.ClientKind, "operator");
            identity.AddClaim(new Claim(Claims.Role, DrimCloudClaims.OperatorRole));
        }
        else
        {
            return Forbid(Errors.InvalidClient, "This client is not allowed to obtain platform tokens.");
        }

        identity.SetScopes(request.GetScopes());
        identity.SetResources(DrimCloudClaims.ApiAudience);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task AuditAsync(Guid tenantId, string clientId, TenantClientKind kind, HttpContext http, CancellationToken cancellationToken)
    {
        // The request's context is scoped to no tenant; the event goes through a context of the forwarder's tenant.
        await using var scoped = http.RequestServices.GetRequiredService<ITenantScopedDbContextFactory>().Create(tenantId);
        scoped.AuditEvents.Add(new AuditEvent
        {
            Actor = clientId,
            ActorType = kind == TenantClientKind.Administrator ? "administrator" : "forwarder",
            Action = "token.issue",
            Outcome = AuditOutcome.Success,
            SourceAddress = http.Connection.RemoteIpAddress?.ToString(),
            CorrelationId = http.TraceIdentifier,
        });
        await scoped.SaveChangesAsync(cancellationToken);
    }

    private static IResult Forbid(string error, string description) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
