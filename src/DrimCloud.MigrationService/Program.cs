using DrimCloud.Data;
using DrimCloud.Data.Provisioning;
using DrimCloud.MigrationService;

var builder = Host.CreateApplicationBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddDrimCloudData(builder.Configuration);
builder.Services.AddOpenIddict().AddCore(o => o.UseEntityFrameworkCore().UseDbContext<DrimCloudDbContext>());
builder.Services.AddScoped<TenantProvisioning>();
builder.Services.AddHostedService<MigrationWorker>();
builder.Build().Run();
