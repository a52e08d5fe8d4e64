using System.Security.Cryptography;
using DrimCloud.Data;
using DrimCloud.Data.Provisioning;
using DrimCloud.Domain.Audit;
using DrimCloud.Domain.Tenants;
using Microsoft.EntityFrameworkCore;

namespace DrimCloud.Api.Platform;

public sealed record CreateTenantRequest(string Slug, string DisplayName);

/// <summary>A client to register; AccessTokenLifetimeSeconds (5 to 86,400) overrides the identity server's default for its tokens.</summary>
public sealed record CreateClientRequest(string ClientId, string? DisplayName, string Kind, int? AccessTokenLifetimeSeconds = null);

public sealed record CreatedClient(string Tenant, string ClientId, string ClientSecret, string Kind);

/// <summary>
/// Onboarding for platform operators (operator token required): create a tenant, register its forwarder and
/// administrator clients. A client's secret is generated here and shown once; only its hash is stored.
/// </summary>
public static class PlatformEndpoints
{
    public const string OperatorPolicy = "platform-operator";

    // Shorter tokens limit what a leaked one is worth; under a few seconds a client would spend its time renewing.
    private const int MinTokenLifetimeSeconds = 5;
    private const int MaxTokenLifetimeSeconds = 24 * 3600;

    public static IServiceCollection AddPlatformOnboarding(this IServiceCollection services)
    {
        services.AddOpenIddict().AddCore(o => o.UseEntityFrameworkCore().UseDbContext<DrimCloudDbContext>());
        services.AddScoped<TenantProvisioning>();
        return services;
    }

    public static void MapPlatformEndpoints(this IEndpointRouteBuilder app)
    {
        var platform = app.MapGroup("/platform").RequireAuthorization(OperatorPolicy);

        platform.MapPost("/tenants", async (CreateTenantRequest request, TenantProvisioning provisioning, ITenantScopedDbContextFactory contexts, CancellationToken cancellationToken) =>
        {
            if (!Tenant.IsValidSlug(request.Slug))
                return Results.Problem(statusCode: 400, title: "Bad Request", detail: "slug: 2 to 40 lower-case letters, digits and hyphens.");
            if (string.IsNullOrWhiteSpace(request.DisplayName) || request.DisplayName.Length > 200)
                return Results.Problem(statusCode: 400, title: "Bad Request", detail: "displayName: 1 to 200 characters.");
            await using (var db = contexts.CreateUnscoped())
            {
                if (await db.Tenants.AnyAsync(t => t.Slug == request.Slug, cancellationToken))
                    return Results.Problem(statusCode: 409, title: "Conflict", detail: $"Tenant '{request.Slug}' already exists.");
            }
            var tenant = await provisioning.EnsureTenantAsync(request.Slug, request.DisplayName.Trim(), cancellationToken);
            return Results.Created($"/tenants/{tenant.Slug}", new { tenant = tenant.Slug, displayName = tenant.DisplayName });
        });

        platform.MapPost("/tenants/{slug}/clients", async (string slug, CreateClientRequest request, HttpContext http, TenantProvisioning provisioning,
            ITenantScopedDbContextFactory contexts, CancellationToken cancellationToken) =>
        {
            if (!Enum.TryParse<TenantClientKind>(request.Kind, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
                return Results.Problem(statusCode: 400, title: "Bad Request", detail: "kind: forwarder or administrator.");
            if (string.IsNullOrWhiteSpace(request.ClientId) || request.ClientId.Length > 100 || !request.ClientId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
                return Results.Problem(statusCode: 400, title: "Bad Request", detail: "clientId: 1 to 100 letters, digits, '-', '_' or '.'.");
            if (request.AccessTokenLifetimeSeconds is < MinTokenLifetimeSeconds or > MaxTokenLifetimeSeconds)
                return Results.Problem(statusCode: 400, title: "Bad Request",
                    detail: $"accessTokenLifetimeSeconds: {MinTokenLifetimeSeconds} to {MaxTokenLifetimeSeconds} (or absent for the identity server's default).");
            Tenant? tenant;
            await using (var db = contexts.CreateUnscoped())
            {
                tenant = await db.Tenants.SingleOrDefaultAsync(t => t.Slug == slug, cancellationToken);
                if (tenant is null) return Results.Problem(statusCode: 404, title: "Not Found", detail: $"Tenant '{slug}' does not exist.");
                if (await db.Clients.IgnoreQueryFilters().AnyAsync(c => c.ClientId == request.ClientId, cancellationToken))
                    return Results.Problem(statusCode: 409, title: "Conflict", detail: $"Client '{request.ClientId}' already exists.");
            }
            var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            await provisioning.EnsureTenantClientAsync(tenant, request.ClientId, secret, request.DisplayName ?? request.ClientId, kind, cancellationToken,
                request.AccessTokenLifetimeSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
            await using (var audit = contexts.Create(tenant.Id))
            {
                audit.AuditEvents.Add(new AuditEvent
                {
                    Actor = http.User.FindFirst("sub")?.Value ?? "operator", ActorType = "operator", Action = "client.register",
                    Resource = request.ClientId, Outcome = AuditOutcome.Success, Detail = kind.ToString(),
                });
                await audit.SaveChangesAsync(cancellationToken);
            }
            return Results.Created($"/platform/tenants/{slug}/clients/{request.ClientId}",
                new CreatedClient(slug, request.ClientId, secret, kind.ToString().ToLowerInvariant()));
        });
    }
}
