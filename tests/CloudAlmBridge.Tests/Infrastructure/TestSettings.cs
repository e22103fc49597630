namespace CloudAlmBridge.Tests.Infrastructure;

/// <summary>A complete, valid bridge configuration pointing at a WireMock ServiceNow and a SQLite file.</summary>
public static class TestSettings
{
    public const string EventsClient = "cloud-alm";
    public const string EventsSecret = "events-secret-4711";
    public const string AdminClient = "ops";
    public const string AdminSecret = "admin-secret-0815";
    public const string ServiceNowUser = "calm.integration";
    public const string ServiceNowPassword = "snow-password-1234";
    public const string Subscription = "calm-to-snow";
    public const string DisabledSubscription = "paused";

    public static Dictionary<string, string?> ForServiceNow(string serviceNowUrl, string databasePath) => new()
    {
        ["Serilog:MinimumLevel:Default"] = "Warning",
        ["Bridge:Storage:ConnectionString"] = $"Data Source={databasePath}",
        ["Bridge:Security:Clients:cloud-alm:Secret"] = EventsSecret,
        ["Bridge:Security:Clients:cloud-alm:Roles:0"] = "events",
        ["Bridge:Security:Clients:ops:Secret"] = AdminSecret,
        ["Bridge:Security:Clients:ops:Roles:0"] = "admin",
        ["Bridge:Destinations:servicenow:Url"] = serviceNowUrl,
        ["Bridge:Destinations:servicenow:Authentication:Type"] = "BasicAuthentication",
        ["Bridge:Destinations:servicenow:Authentication:User"] = ServiceNowUser,
        ["Bridge:Destinations:servicenow:Authentication:Password"] = ServiceNowPassword,
        ["Bridge:Webhooks:snow-incident:Destination"] = "servicenow",
        ["Bridge:Webhooks:snow-incident:Path"] = "/api/now/table/incident",
        ["Bridge:Webhooks:snow-incident:DestinationType"] = "SNOW",
        ["Bridge:Webhooks:snow-incident:ExternalResourceType"] = "Incident",
        ["Bridge:Subscriptions:calm-to-snow:ResourceType"] = "EVENT-SITUATION",
        ["Bridge:Subscriptions:calm-to-snow:Webhook"] = "snow-incident",
        ["Bridge:Subscriptions:calm-to-snow:UserVariables:closeCode"] = "Solved (Permanently)",
        ["Bridge:Subscriptions:calm-to-snow:UserVariables:assignmentGroup"] = "SAP Basis",
        ["Bridge:Subscriptions:calm-to-snow:CloudAlmUrl"] = "https://acme.eu10.alm.cloud.sap",
        ["Bridge:Subscriptions:paused:Webhook"] = "snow-incident",
        ["Bridge:Subscriptions:paused:Enabled"] = "false",

        // Quick retries stay real but short, so the suite stays fast.
        ["Bridge:Delivery:InlineRetries"] = "2",
        ["Bridge:Delivery:InlineRetryDelay"] = "00:00:00.010",
        ["Bridge:Delivery:AttemptTimeout"] = "00:00:02",
    };
}
