using DrimCloud.Data;
using DrimCloud.Identity;
using DrimCloud.Identity.Tokens;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddProblemDetails();

var dataDirectory = DataDirectory.Resolve(builder.Configuration);
builder.Services.AddDrimCloudData(builder.Configuration);
builder.Services.AddHealthChecks().AddDrimCloudDatabaseCheck();

var issuer = builder.Configuration["Identity:Issuer"]
    ?? throw new InvalidOperationException("Identity:Issuer is not configured.");
var signing = SigningCredentials.Load(builder.Configuration, builder.Environment, dataDirectory);
var lifetime = TimeSpan.FromMinutes(builder.Configuration.GetValue("Identity:AccessTokenLifetimeMinutes", 60));

builder.Services.AddOpenIddict()
    .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<DrimCloudDbContext>())
    .AddServer(o =>
    {
        o.SetIssuer(new Uri(issuer.EndsWith('/') ? issuer : issuer + "/"));
        o.SetTokenEndpointUris("connect/token");
        o.AllowClientCredentialsFlow();
        o.SetAccessTokenLifetime(lifetime);
        o.AddSigningCertificate(signing);
        // Tokens are signed JWTs read by our own services; TLS protects them in transit.
        o.AddEncryptionCertificate(signing);
        o.DisableAccessTokenEncryption();
        o.RegisterScopes(DrimCloudClaims.ApiScope, DrimCloudClaims.OperationsScope);
        var aspNetCore = o.UseAspNetCore().EnableTokenEndpointPassthrough();
        // Plain HTTP only where configured (local run and tests on loopback); production is HTTPS.
        if (builder.Configuration.GetValue<bool>("Identity:AllowHttp")) aspNetCore.DisableTransportSecurityRequirement();
    });

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapTokenEndpoint();
app.Logger.LogInformation("DrimCloud.Identity issuing tokens as {Issuer} ({Provider} database).", issuer, app.Services.GetRequiredService<DatabaseInfo>().Provider);
if (app.Environment.IsDevelopment())
    app.Logger.LogInformation("Development: forwarder clients demo-forwarder (tenant demo) and demo-b-forwarder (tenant demo-b) use the secret 'dev-secret'.");
app.Run();
