using DrimCloud.Api.DicomWeb;
using Microsoft.AspNetCore.Mvc;

namespace DrimCloud.Api.Reports;

/// <summary>
/// Report intake and reading, under <c>/tenants/{tenant}/reports</c> (docs/forwarder-hl7.md):
/// <c>POST /hl7v2</c> (forwarders: an HL7 v2 ORU/MDM message carrying a CDA report), <c>GET /</c>, <c>GET /{id}</c> and
/// <c>GET /{id}/cda</c> (tenant administrators).
/// </summary>
public static class ReportEndpoints
{
    public const string ForwarderPolicy = "forwarder";

    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.AddScoped<ReportIntake>();
        services.AddAuthorizationBuilder().AddPolicy(ForwarderPolicy, p => p.RequireAuthenticatedUser()
            .RequireClaim(DrimCloudClaims.ClientKind, "forwarder"));
        return services;
    }

    public static RouteGroupBuilder MapReports(this RouteGroupBuilder tenant)
    {
        var reports = tenant.MapGroup("/reports");
        reports.MapPost("/hl7v2", (HttpContext http, ReportIntake intake) => intake.HandleAsync(http))
            .RequireAuthorization(ForwarderPolicy)
            .WithMetadata(new RequestSizeLimitAttribute(ReportIntake.MaxMessageBytes + 1));
        reports.MapGet("", ReportQueries.ListAsync).RequireAuthorization(DicomWebEndpoints.TenantAdministratorPolicy);
        reports.MapGet("/{id:guid}", ReportQueries.GetAsync).RequireAuthorization(DicomWebEndpoints.TenantAdministratorPolicy);
        reports.MapGet("/{id:guid}/cda", ReportQueries.GetCdaAsync).RequireAuthorization(DicomWebEndpoints.TenantAdministratorPolicy);
        return reports;
    }
}
