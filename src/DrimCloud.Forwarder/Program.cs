using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using System.Net;
using DrimCloud.Forwarder;
using DrimCloud.Forwarder.Cloud;
using DrimCloud.Forwarder.Control;
using DrimCloud.Forwarder.Reports;
using DrimCloud.Forwarder.Dicom;
using DrimCloud.Forwarder.Spool;
using DrimCloud.Forwarder.Status;
using DrimCloud.Forwarder.Upload;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
{
    Args = args,
    // A service's working directory is not the install folder: appsettings.json is read next to the executable.
    ContentRootPath = AppContext.BaseDirectory,
});
builder.AddServiceDefaults();
builder.Services.AddSystemd();
builder.Services.AddWindowsService(o => o.ServiceName = "DrimCloud Forwarder");

builder.Services.AddOptions<ForwarderOptions>()
    .Bind(builder.Configuration.GetSection(ForwarderOptions.Section))
    .ValidateDataAnnotations()
    .Validate(o => o.Cloud.ApiUrl is { IsAbsoluteUri: true } && o.Cloud.IdentityUrl is { IsAbsoluteUri: true },
        "Forwarder:Cloud:ApiUrl and Forwarder:Cloud:IdentityUrl must be absolute URLs.")
    .Validate(o => IPAddress.TryParse(o.Dicom.BindAddress, out _), "Forwarder:Dicom:BindAddress must be an IP address.")
    .ValidateOnStart();

var forwarder = builder.Configuration.GetSection(ForwarderOptions.Section).Get<ForwarderOptions>() ?? new ForwarderOptions();
// The local status endpoint only: never reachable from the network. -1 disables it (no HTTP server at all).
if (forwarder.Status.Port >= 0)
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, forwarder.Status.Port));
else
    builder.Services.AddSingleton<Microsoft.AspNetCore.Hosting.Server.IServer, NoStatusServer>();

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<CloudLinkStatus>();
// Token, tenant check and report relay calls go without the shared standard resilience handler: each caller
// already retries with its own back-off and must learn of a failure at once (to log it, show it in the status
// and pause), whereas the standard handler's retries and circuit breaker hold a failing call for ~14 s.
// RemoveAllResilienceHandlers is experimental (EXTEXP0001) but is the documented way to opt one client out.
// Two minutes: a report message may carry a PDF of several MB over a slow hospital uplink.
#pragma warning disable EXTEXP0001
builder.Services.AddHttpClient(CloudUris.HttpClientName, http => http.Timeout = TimeSpan.FromMinutes(2))
    .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
builder.Services.AddSingleton<CloudTokenClient>();
builder.Services.AddSingleton<CloudLinkCheck>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<CloudLinkCheck>());
builder.AddForwarderControl();
builder.Services.AddReportPath(builder.Configuration);

builder.Services.AddSingleton(sp =>
{
    var folder = SpoolLocation.Resolve(sp.GetRequiredService<IOptions<ForwarderOptions>>().Value.Spool.Folder);
    var spool = DicomSpool.Open(folder, sp.GetRequiredService<TimeProvider>(), DicomSpool.DefaultSpareReserve);
    var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("DrimCloud.Forwarder.Spool");
    var r = spool.Recovery;
    log.LogInformation("Spool {Folder}: {Pending} instances pending from before; {Discarded} incomplete files discarded.", folder, r.Pending, r.DiscardedFiles);
    if (r.DamagedJournalLines > 0) log.LogWarning("Spool journal: {Lines} damaged lines ignored (writes cut by a crash, never acknowledged).", r.DamagedJournalLines);
    if (r.MissingFiles > 0) log.LogError("Spool: {Missing} journaled instances have no file any more (removed by hand?); they cannot be uploaded.", r.MissingFiles);
    return spool;
});
builder.Services.AddSingleton<UploadStatus>();
builder.Services.AddSingleton<SpoolStorageHandler>();
builder.Services.AddSingleton<StorageScp>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<StorageScp>());
builder.Services.AddHostedService<Uploader>();
builder.Services.AddSingleton<ForwarderStatusSource>();
builder.Services.AddSingleton<IQueueStatusSource, DicomQueueStatus>();

var app = builder.Build();
if (forwarder.Status.Port < 0)
    app.Logger.LogInformation("Local status endpoint disabled (Forwarder:Status:Port = -1).");
app.MapGet("/status", (ForwarderStatusSource status) => Results.Json(status.Current(), StatusJson.Options));
app.MapDefaultEndpoints();
app.Run();
