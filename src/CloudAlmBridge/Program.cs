using CloudAlmBridge.CloudAlmSetup;
using CloudAlmBridge.Configuration;
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

var builder = WebApplication.CreateBuilder(args);

builder.AddBridgeObservability();
builder.AddBridgeConfiguration();
builder.AddBridgeErrors();
builder.AddBridgeSecurity();
builder.AddBridgeStorage();
builder.AddBridgeMappings();
builder.AddBridgeDelivery();
builder.AddBridgeTickets();
builder.AddBridgeOutbox();
builder.AddBridgeOpenApi();
builder.AddServiceNowSandbox();

var app = builder.Build();
app.ValidateBridgeConfiguration();

app.UseBridgeSecurityHeaders();
app.UseBridgeErrors();
app.UseBridgeRequestLogging();
app.UseBridgeClientAborts();
app.UseBridgeSecurity();

app.MapBridgeOpenApi();
app.MapBridgeHealth();
app.MapBridgeMetrics();
app.MapTokenEndpoint();
app.MapEvents();
app.MapConfigurationApi();
app.MapCloudAlmSetup();
app.MapMappings();
app.MapTicketsAndDeliveries();
app.MapServiceNowSandbox();

app.Run();

/// <summary>The entry point; public so that integration tests can host the bridge with WebApplicationFactory.</summary>
public partial class Program;
