using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Validation.AspNetCore;

namespace Microsoft.Extensions.Hosting;

/// <summary>The claims and audiences of DrimCloud access tokens, shared by the issuer and every validating service.</summary>
public static class DrimCloudClaims
{
    /// <summary>Slug of the tenant a forwarder (or tenant user) is bound to.</summary>
    public const string Tenant = "tenant";

    /// <summary>forwarder, operator, user.</summary>
    public const string ClientKind = "client_kind";

    public const string Role = "role";
    public const string OperatorRole = "platform-operator";

    /// <summary>Administrators of their tenant: deletions, settings.</summary>
    public const string TenantAdminRole = "tenant-admin";

    /// <summary>The resource (audience) of tokens for the DrimCloud API and worker.</summary>
    public const string ApiAudience = "drimcloud-api";

    public const string ApiScope = "drimcloud.api";
    public const string OperationsScope = "drimcloud.operations";

    public static string? TenantOf(ClaimsPrincipal user) => user.FindFirst(Tenant)?.Value;
}

public static class TokenValidationExtensions
{
    /// <summary>
    /// Validates bearer tokens issued by DrimCloud.Identity (configuration key <c>Identity:Issuer</c>): signature from
    /// the issuer's published keys, lifetime, issuer and the <c>drimcloud-api</c> audience.
    /// </summary>
    public static AuthenticationBuilder AddDrimCloudTokenValidation(this IServiceCollection services, IConfiguration configuration)
    {
        var issuer = configuration["Identity:Issuer"];
        if (string.IsNullOrWhiteSpace(issuer))
            throw new InvalidOperationException("Identity:Issuer is not configured: set it to the URL of DrimCloud.Identity (e.g. http://localhost:5101/).");

        services.AddOpenIddict().AddValidation(options =>
        {
            options.SetIssuer(new Uri(issuer.EndsWith('/') ? issuer : issuer + "/"));
            options.AddAudiences(DrimCloudClaims.ApiAudience);
            options.UseSystemNetHttp();
            options.UseAspNetCore();
        });
        return services.AddAuthentication(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
    }
}
