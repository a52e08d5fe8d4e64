using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// The map of DrimCloud. Every service is a project resource: no container, so it runs on a machine without Docker.
var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
{
    Args = args,
    // Headless machines: DRIMCLOUD_CONSOLE_LOGS=true also prints every service's log lines on this console.
    EnableResourceLogging = Environment.GetEnvironmentVariable("DRIMCLOUD_CONSOLE_LOGS") == "true",
});

var repositoryRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
var settings = PlatformSettings.From(builder.Configuration, repositoryRoot);
Directory.CreateDirectory(settings.DataDir);

// 1. Schema first: a short-lived service migrates the database (and seeds the demo tenants in Development).
var migrations = builder.AddProject<Projects.DrimCloud_MigrationService>("migrations")
    .WithPlatformSettings(settings, builder.Environment);

// 2. Identity: OAuth2 tokens for forwarders (client credentials), later for people (Pro Santé Connect).
var identity = builder.AddProject<Projects.DrimCloud_Identity>("identity")
    .WithPlatformSettings(settings, builder.Environment)
    .WithHttpHealthCheck("/health")
    .WaitForCompletion(migrations);
var issuer = identity.GetEndpoint("http");
identity.WithEnvironment("Identity__Issuer", issuer);

// 3. API: DICOMweb, forwarder API, report intake. Validates tokens issued by identity; it reads identity's signing
//    keys on the first token it sees, not at start-up, so it starts alongside identity rather than after it.
var api = builder.AddProject<Projects.DrimCloud_Api>("api")
    .WithPlatformSettings(settings, builder.Environment)
    .WithEnvironment("Identity__Issuer", issuer)
    .WithHttpHealthCheck("/health")
    .WaitForCompletion(migrations);

// 4. Worker: Hangfire jobs (publication, consistency checks); dashboard at /hangfire for operators.
var worker = builder.AddProject<Projects.DrimCloud_Worker>("worker")
    .WithPlatformSettings(settings, builder.Environment)
    .WithEnvironment("Identity__Issuer", issuer)
    .WithHttpHealthCheck("/health")
    .WaitForCompletion(migrations);

// 5. Portal: the web UI; shows the health of the services above.
builder.AddProject<Projects.DrimCloud_Portal>("portal")
    .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
    .WithReference(api).WithReference(identity).WithReference(worker)
    .WithHttpHealthCheck("/health");

// 6. One on-prem forwarder for tenant 'demo', as a hospital would run it: DICOM SCP 'DRIMCLOUD' on port 11112
//    (`storescu localhost 11112 file.dcm`), status on http://127.0.0.1:11180/status. The integration tests run this
//    AppHost too and set both ports to 0 (free ports) so concurrent runs never collide.
var forwarderSecret = builder.AddParameter("demo-forwarder-secret", secret: true);
builder.AddProject<Projects.DrimCloud_Forwarder>("forwarder-demo")
    .WithEnvironment("DOTNET_ENVIRONMENT", builder.Environment.EnvironmentName)
    .WithEnvironment("Forwarder__Dicom__Port", builder.Configuration["DrimCloud:Forwarder:DicomPort"] ?? "11112")
    .WithEnvironment("Forwarder__Status__Port", builder.Configuration["DrimCloud:Forwarder:StatusPort"] ?? "11180")
    .WithEnvironment("Forwarder__Spool__Folder", Path.Combine(settings.DataDir, "forwarder-demo", "spool"))
    .WithEnvironment("Forwarder__Tenant", "demo")
    .WithEnvironment("Forwarder__ClientId", "demo-forwarder")
    .WithEnvironment("Forwarder__ClientSecret", forwarderSecret)
    .WithEnvironment("Forwarder__Cloud__ApiUrl", api.GetEndpoint("http"))
    .WithEnvironment("Forwarder__Cloud__IdentityUrl", issuer)
    .WaitFor(api)
    .WaitFor(identity);

builder.Eventing.Subscribe<AfterResourcesCreatedEvent>((e, _) =>
{
    var log = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("DrimCloud");
    log.LogInformation("DrimCloud is starting. Data folder: {DataDir}. Database: {Db}. Blobs: {Blobs}.",
        settings.DataDir, settings.DatabaseProvider, settings.BlobProvider);
    log.LogInformation("API http://localhost:5100 · Identity http://localhost:5101 · Portal http://localhost:5102 · Worker http://localhost:5103/hangfire");
    log.LogInformation("Forwarder 'demo': DICOM AE DRIMCLOUD on port {Port} · status http://127.0.0.1:{StatusPort}/status",
        builder.Configuration["DrimCloud:Forwarder:DicomPort"] ?? "11112", builder.Configuration["DrimCloud:Forwarder:StatusPort"] ?? "11180");
    if (builder.Environment.IsDevelopment())
        log.LogInformation("Development tenants 'demo' and 'demo-b'; forwarder clients 'demo-forwarder' / 'demo-b-forwarder' with secret 'dev-secret'.");
    return Task.CompletedTask;
});

builder.Build().Run();

internal static class PlatformSettingsExtensions
{
    /// <summary>Gives a service the platform's data folder, database, blob and job-storage choices.</summary>
    public static IResourceBuilder<ProjectResource> WithPlatformSettings(this IResourceBuilder<ProjectResource> service,
        PlatformSettings settings, IHostEnvironment environment)
    {
        service
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", environment.EnvironmentName)
            .WithEnvironment("DOTNET_ENVIRONMENT", environment.EnvironmentName)
            .WithEnvironment("DrimCloud__DataDir", settings.DataDir)
            .WithEnvironment("Database__Provider", settings.DatabaseProvider)
            .WithEnvironment("Blobs__Provider", settings.BlobProvider)
            .WithEnvironment("Jobs__Storage", settings.JobStorage);
        if (!string.IsNullOrWhiteSpace(settings.DatabaseConnectionString))
            service.WithEnvironment("ConnectionStrings__drimcloud", settings.DatabaseConnectionString);
        if (!string.IsNullOrWhiteSpace(settings.BlobConnectionString))
            service.WithEnvironment("ConnectionStrings__blobs", settings.BlobConnectionString);
        return service;
    }
}
