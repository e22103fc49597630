using CloudAlmBridge.Check;
using CloudAlmBridge.CloudAlmSetup;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Console;
using CloudAlmBridge.Delivery;
using CloudAlmBridge.Errors;
using CloudAlmBridge.Health;
using CloudAlmBridge.Ingestion;
using CloudAlmBridge.KeyRing;
using CloudAlmBridge.Maintenance;
using CloudAlmBridge.Mappings;
using CloudAlmBridge.Observability;
using CloudAlmBridge.OpenApi;
using CloudAlmBridge.Outbox;
using CloudAlmBridge.Sandbox;
using CloudAlmBridge.Security;
using CloudAlmBridge.Security.Tokens;
using CloudAlmBridge.Storage;
using CloudAlmBridge.Tickets;
using CloudAlmBridge.TicketSystems;

// --probe ready|live: a container's health check, asking the bridge that runs beside it.
if (HealthProbe.Requested(args))
{
    return await HealthProbe.RunAsync(args, Console.Out);
}

// --env-file: the example env files, outside a container, as the environment they are written for.
if (!EnvFiles.Apply(args, Console.Error))
{
    return 1;
}

var builder = WebApplication.CreateBuilder(BridgeContentRoot.Options(EnvFiles.Without(BridgeCheck.WithoutFlag(args))));

builder.AddBridgeObservability();
builder.AddBridgeConfiguration();
builder.AddBridgeErrors();
builder.AddBridgeHealth();
builder.AddBridgeSecurity();
builder.AddBridgeForwardedHeaders();
builder.AddBridgeConsole();
builder.AddBridgeStorage();
builder.AddBridgeKeyRing();
builder.AddBridgeMappings();
builder.AddBridgeDelivery();
builder.AddBridgeTicketSystems();
builder.AddBridgeTickets();
builder.AddBridgeMaintenance();
builder.AddBridgeIngestion();
builder.AddBridgeOutbox();
builder.AddBridgeOpenApi();
builder.AddServiceNowSandbox();

// A configuration that stops the start is reported one error per line, without a stack trace, and exits with 1; so is
// a storage that cannot be used (a newer bridge's schema, unreachable), which comes first: the validation may read the
// mappings stored there. --check changes nothing in the storage.
var check = BridgeCheck.Requested(args);
var report = check ? Console.Out : Console.Error;
if (check)
{
    StorageStart.ChangeNothing(builder);
}

if (!StorageStart.TryBuild(builder, report, check, out var app)
    || !await StorageStart.TryPrepareAsync(app, check, report)
    || !StorageStart.TryValidate(app, report, check))
{
    return 1;
}

if (check)
{
    return await BridgeCheck.RunAsync(app.Services, Console.Out);
}

app.UseBridgeForwardedHeaders();
app.UseBridgeSecurityHeaders();
app.UseBridgeErrors();
app.UseBridgeRequestLogging();
app.UseBridgeClientAborts();
app.UseBridgeStorageOutages();
app.UseBridgeSecurity();

app.MapBridgeOpenApi();
app.MapBridgeHealth();
app.MapBridgeMetrics();
app.MapTokenEndpoint();
app.MapEvents();
app.MapConfigurationApi().MapDestinations();
app.MapDestinationTest();
app.MapCloudAlmSetup();
app.MapMappings();
app.MapTicketsAndDeliveries();
app.MapHeldSituations();
app.MapMaintenance();
app.MapGroups();
app.MapServiceNowSandbox();
app.MapBridgeConsole();

await app.RunAsync();
return Environment.ExitCode;

/// <summary>The entry point; public so that integration tests can host the bridge with WebApplicationFactory.</summary>
public partial class Program;
