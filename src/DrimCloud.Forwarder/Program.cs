using DrimCloud.Forwarder;
using DrimCloud.Forwarder.Cloud;
using DrimCloud.Forwarder.Control;
using DrimCloud.Forwarder.Reports;

var builder = Host.CreateApplicationBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddSystemd();
builder.Services.AddWindowsService(o => o.ServiceName = "DrimCloud Forwarder");

builder.Services.AddOptions<ForwarderOptions>()
    .Bind(builder.Configuration.GetSection(ForwarderOptions.Section))
    .ValidateDataAnnotations()
    .Validate(o => o.Cloud.ApiUrl is { IsAbsoluteUri: true } && o.Cloud.IdentityUrl is { IsAbsoluteUri: true },
        "Forwarder:Cloud:ApiUrl and Forwarder:Cloud:IdentityUrl must be absolute URLs.")
    .ValidateOnStart();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddHttpClient(CloudUris.HttpClientName);
builder.Services.AddSingleton<CloudTokenClient>();
builder.Services.AddSingleton<CloudLinkCheck>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<CloudLinkCheck>());
builder.AddForwarderControl();
builder.Services.AddReportPath(builder.Configuration);

builder.Build().Run();
