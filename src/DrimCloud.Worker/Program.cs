using DrimCloud.Data;
using DrimCloud.Storage;
using DrimCloud.Worker.Hosting;
using DrimCloud.Worker.Jobs;
using Hangfire;
using Microsoft.AspNetCore.Authorization;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddProblemDetails();

var dataDirectory = DataDirectory.Resolve(builder.Configuration);
builder.Services.AddDrimCloudData(builder.Configuration);
builder.Services.AddDrimCloudBlobStore(builder.Configuration, dataDirectory);
builder.Services.AddHealthChecks().AddDrimCloudDatabaseCheck().AddCheck<BlobStoreHealthCheck>("blobs");

var jobStorage = JobStorageFactory.Create(builder.Configuration, dataDirectory);
builder.Services.AddHangfire(c => c
    .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
    .UseSimpleAssemblyNameTypeSerializer()
    .UseRecommendedSerializerSettings()
    .UseStorage(jobStorage));
builder.Services.AddHangfireServer(o =>
{
    o.WorkerCount = builder.Configuration.GetValue("Jobs:WorkerCount", 4);
    o.SchedulePollingInterval = TimeSpan.FromSeconds(5);
});
builder.Services.AddScoped<StorageConsistencyCheck>();

builder.Services.AddDrimCloudTokenValidation(builder.Configuration);
builder.Services.AddAuthorizationBuilder()
    .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
    .AddPolicy("operator", p => p.RequireAuthenticatedUser().RequireClaim(DrimCloudClaims.Role, DrimCloudClaims.OperatorRole));

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapHangfireDashboard("/hangfire", new DashboardOptions
{
    Authorization = [new OperatorDashboardAuthorization()],
    DashboardTitle = "DrimCloud jobs",
}).RequireAuthorization("operator");

var recurring = app.Services.GetRequiredService<IRecurringJobManager>();
recurring.AddOrUpdate<StorageConsistencyCheck>(StorageConsistencyCheck.RecurringJobId,
    job => job.RunAsync(CancellationToken.None), app.Configuration["Jobs:ConsistencyCheckCron"] ?? "30 3 * * *");

app.Logger.LogInformation("DrimCloud.Worker: Hangfire on {Storage}; dashboard at /hangfire (operator token required).", jobStorage.GetType().Name);
app.Run();
