using Flowthrough.Activation;
using Flowthrough.Api;
using Flowthrough.Bridge;
using Flowthrough.BroadWorks;
using Flowthrough.BroadWorks.Sync;
using Flowthrough.Data;
using Flowthrough.Dev;
using Flowthrough.Email;
using Flowthrough.Operations;
using Flowthrough.PartnerHub;
using Flowthrough.PartnerHub.Users.BulkJobs;
using Flowthrough.Provisioning;
using Flowthrough.Provisioning.Targets.Reconciliation;
using Flowthrough.Security;
using Flowthrough.Seeding;
using Flowthrough.Subscribers;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddOptions<AppOptions>().Bind(builder.Configuration)
    .PostConfigure<IConfiguration>(AppOptions.Configure).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddEdgeSecurity(builder.Configuration);
builder.Services.AddOutboundGuard();
builder.Services.AddOptions<SeedOptions>().BindConfiguration(SeedOptions.Section);
builder.Services.AddFlowthroughData(builder.Configuration);
builder.Services.AddHostedService<DemoSeed>();
builder.Services.AddFlowthroughEmail(builder.Configuration);
builder.Services.AddSubscribers();
builder.Services.AddProvisioningEngine();
builder.Services.AddBulkJobs();
builder.Services.AddReconciliation();
builder.Services.AddFlowthroughApi();
builder.Services.AddLoginThrottle();
builder.Services.AddBroadWorks();
builder.Services.AddBroadWorksSync();
builder.Services.AddPortal();
builder.Services.AddKeyRingEncryption(builder.Configuration);
builder.Services.AddPartnerHub();
builder.Services.AddOperations(builder.Configuration);
builder.Services.AddDevTools();

var app = builder.Build();
if (Commands.IsCommand(args))
{
    return await Commands.RunAsync(app, args);
}

app.UseEdgeSecurity();
app.UseRequestLocalization();
app.UseFlowthroughApi();
app.MapStaticAssets();
app.MapSubscribersApi();
app.MapBridge();
app.MapPortal();
app.MapOperations();
app.MapBenchEcho(app.Configuration);
await app.RunAsync();
return 0;

public partial class Program;
