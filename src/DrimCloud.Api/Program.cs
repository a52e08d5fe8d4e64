using DrimCloud.Api.DicomWeb;
using DrimCloud.Api.Forwarders;
using DrimCloud.Api.Infrastructure;
using DrimCloud.Api.Platform;
using DrimCloud.Api.Reports;
using DrimCloud.Api.Tenants;
using DrimCloud.Data;
using DrimCloud.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;

var builder = WebApplication.CreateBuilder(args);
// Large transfers (STOW-RS bodies, WADO-RS studies) go through Kestrel's transport buffers: bigger blocks mean fewer
// socket calls and pipe wake-ups per megabyte (see LargeBlockMemoryPool).
builder.Services.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>();
builder.AddServiceDefaults();
builder.Services.AddProblemDetails();

var dataDirectory = DataDirectory.Resolve(builder.Configuration);
builder.Services.AddDrimCloudData(builder.Configuration);
builder.Services.AddDrimCloudBlobStore(builder.Configuration, dataDirectory);
builder.Services.AddHealthChecks().AddDrimCloudDatabaseCheck().AddCheck<BlobStoreHealthCheck>("blobs");
builder.Services.AddDicomWeb();
builder.Services.AddPlatformOnboarding();
builder.Services.AddForwarderControl();
builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddSingleton<TenantDirectory>();
builder.Services.AddReports();

// No endpoint is anonymous unless it says so (health only): the fallback policy requires a valid token.
builder.Services.AddDrimCloudTokenValidation(builder.Configuration);
builder.Services.AddAuthorizationBuilder()
    .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
    .AddPolicy(DicomWebEndpoints.TenantAdministratorPolicy, p => p.RequireAuthenticatedUser()
        .RequireClaim(DrimCloudClaims.Role, DrimCloudClaims.TenantAdminRole))
    .AddPolicy(ForwarderEndpoints.ForwarderPolicy, p => p.RequireAuthenticatedUser()
        .RequireClaim(DrimCloudClaims.ClientKind, "forwarder"))
    .AddPolicy(PlatformEndpoints.OperatorPolicy, p => p.RequireAuthenticatedUser()
        .RequireClaim(DrimCloudClaims.Role, DrimCloudClaims.OperatorRole));

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapPlatformEndpoints();

var tenant = app.MapGroup($"/tenants/{{{TenantAccessFilter.RouteKey}}}").AddEndpointFilter<TenantAccessFilter>();
tenant.MapTenantEndpoints();
tenant.MapDicomWeb();
tenant.MapForwarderEndpoints();
tenant.MapReports();

app.Run();
