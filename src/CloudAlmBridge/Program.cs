using CloudAlmBridge.Check;
using CloudAlmBridge.CloudAlmSetup;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Console;
using CloudAlmBridge.Delivery;
using CloudAlmBridge.Errors;
using CloudAlmBridge.Health;
using CloudAlmBridge.Ingestion;
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

var builder = WebApplication.CreateBuilder(BridgeCheck.WithoutFlag(args));

builder.AddBridgeObservability();
builder.AddBridgeConfiguration();
builder.AddBridgeErrors();
builder.AddBridgeSecurity();
builder.AddBridgeConsole();
builder.AddBridgeStorage();
builder.AddBridgeMappings();
builder.AddBridgeDelivery();
builder.AddBridgeTicketSystems();
builder.AddBridgeTickets();
builder.AddBridgeOutbox();
builder.AddBridgeOpenApi();
builder.AddServiceNowSandbox();

// A configuration that stops the start is reported one error per line, without a stack trace, and exits with 1.
var check = BridgeCheck.Requested(args);
if (!ConfigurationReport.TryBuild(builder, check ? Console.Out : Console.Error, out var app))
{
    return 1;
}

if (check)
{
    return await BridgeCheck.RunAsync(app.Services, Console.Out);
}

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
app.MapConfigurationApi();
app.MapDestinationTest();
app.MapCloudAlmSetup();
app.MapMappings();
app.MapTicketsAndDeliveries();
app.MapHeldSituations();
app.MapServiceNowSandbox();
app.MapBridgeConsole();

await app.RunAsync();
return Environment.ExitCode;

/// <summary>The entry point; public so that integration tests can host the bridge with WebApplicationFactory.</summary>
public partial class Program;
