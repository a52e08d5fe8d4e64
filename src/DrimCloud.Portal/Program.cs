using DrimCloud.Portal.Components;
using DrimCloud.Portal.Health;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddRazorComponents();
// Health probes must answer fast and plainly: no retries, a short timeout, so a dead service shows as such.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented way to opt out.
builder.Services.AddHttpClient(ServiceHealthProbe.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(3))
    .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
builder.Services.AddSingleton<ServiceHealthProbe>();

var app = builder.Build();
app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UseStatusCodePagesWithReExecute("/not-found");
app.UseAntiforgery();
app.MapStaticAssets();
app.MapDefaultEndpoints();
app.MapRazorComponents<App>();
app.Run();
