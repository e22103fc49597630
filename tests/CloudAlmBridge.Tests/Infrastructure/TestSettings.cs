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
    public const string JiraSubscription = "calm-to-jira";
    public const string JiraUser = "ops-bot@example.com";
    public const string JiraToken = "jira-api-token-5678";
    public const string DisabledSubscription = "paused";
    public const string KeyRingKey = "test-key-ring-key-of-at-least-32-characters";

    /// <summary>The ServiceNow set-up plus a Jira destination, webhook and subscription on the built-in jira-issue.</summary>
    public static Dictionary<string, string?> ForServiceNowAndJira(string serviceNowUrl, string jiraUrl, string databasePath)
    {
        var settings = ForServiceNow(serviceNowUrl, databasePath);
        settings["Bridge:Destinations:jira:Url"] = jiraUrl;
        settings["Bridge:Destinations:jira:AllowInsecureHttp"] = "true";
        settings["Bridge:Destinations:jira:Authentication:Type"] = "BasicAuthentication";
        settings["Bridge:Destinations:jira:Authentication:User"] = JiraUser;
        settings["Bridge:Destinations:jira:Authentication:Password"] = JiraToken;
        settings["Bridge:Webhooks:jira-issue:Destination"] = "jira";
        settings["Bridge:Webhooks:jira-issue:Path"] = "/rest/api/2/issue";
        settings["Bridge:Webhooks:jira-issue:DestinationType"] = "JIRA";
        settings["Bridge:Webhooks:jira-issue:ExternalResourceType"] = "Issue";
        settings["Bridge:Subscriptions:calm-to-jira:Webhook"] = "jira-issue";
        settings["Bridge:Subscriptions:calm-to-jira:UserVariables:projectKey"] = "OPS";
        settings["Bridge:Subscriptions:calm-to-jira:UserVariables:issueType"] = "Task";
        settings["Bridge:Subscriptions:calm-to-jira:UserVariables:closeTransitionId"] = "31";
        return settings;
    }

    public static Dictionary<string, string?> ForServiceNow(string serviceNowUrl, string databasePath) => new()
    {
        ["Serilog:MinimumLevel:Default"] = "Warning",
        ["Bridge:Storage:ConnectionString"] = $"Data Source={databasePath}",
        ["Bridge:Security:Clients:cloud-alm:Secret"] = EventsSecret,
        ["Bridge:Security:Clients:cloud-alm:Roles:0"] = "events",
        ["Bridge:Security:Clients:ops:Secret"] = AdminSecret,
        ["Bridge:Security:Clients:ops:Roles:0"] = "admin",

        // Required outside Development: encrypts the console's key ring in the database.
        ["Bridge:Security:KeyRing:Key"] = KeyRingKey,
        ["Bridge:Destinations:servicenow:Url"] = serviceNowUrl,

        // WireMock listens on plain http on loopback; a real destination must be https.
        ["Bridge:Destinations:servicenow:AllowInsecureHttp"] = "true",
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
        ["Bridge:Subscriptions:paused:UserVariables:closeCode"] = "Solved (Permanently)",

        // SAP's published documents, unchanged, as configuration mappings.
        ["Bridge:Mappings:sap-document-approval:File"] = SapSample("document-approval-mapping.json"),
        ["Bridge:Mappings:sap-document-approval-shared:File"] = SapSample("document-approval-mapping-shared-environments.json"),
        ["Bridge:Mappings:sap-feature-workflow:File"] = SapSample("feature-workflow-mapping.json"),
        ["Bridge:Mappings:sap-feature-workflow-shared:File"] = SapSample("feature-workflow-mapping-shared-environments.json"),

        // Quick retries stay real but short, so the suite stays fast.
        ["Bridge:Delivery:InlineRetries"] = "2",
        ["Bridge:Delivery:InlineRetryDelay"] = "00:00:00.010",
        ["Bridge:Delivery:AttemptTimeout"] = "00:00:02",

        // The outbox keeps its real behaviour on a compressed clock: retries after 0.2 s, 0.4 s, ... capped at 1 s.
        // A generous wait: on a loaded 2-core CI machine the delivery must still finish inside it for the tests that
        // assert a synchronous 201/200/502; only the two tests that expect 202 wait it out.
        ["Bridge:Inbound:WaitForDeliverySeconds"] = "10",
        ["Bridge:Delivery:RetryBaseDelay"] = "00:00:00.200",
        ["Bridge:Delivery:RetryMaxDelay"] = "00:00:01",
        ["Bridge:Delivery:PollInterval"] = "00:00:00.050",
    };

    public static string SapSample(string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "sap-samples", file);
}
