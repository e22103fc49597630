using CloudAlmBridge.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace CloudAlmBridge.Tests.Configuration;

/// <summary>docs/api.md §1: an invalid configuration stops the start, with every error listed.</summary>
public sealed class StartupValidationTests
{
    [Fact]
    public void InvalidConfiguration_StopsTheStart_NamingEveryError()
    {
        var settings = TestSettings.ForServiceNow("http://127.0.0.1:9", Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.db"));
        settings["Bridge:Webhooks:snow-incident:Destination"] = "servicenow-typo";
        settings["Bridge:Destinations:servicenow:Url"] = "not a url";
        settings["Bridge:Destinations:servicenow:Authentication:Password"] = null;
        settings["Bridge:Subscriptions:calm-to-snow:Mapping"] = "no-such-mapping";
        settings["Bridge:Subscriptions:orphan:Webhook"] = "missing-webhook";
        settings["Bridge:Security:Clients:ops:Roles:0"] = "superuser";
        settings["Bridge:Lifecycle:CloseWithoutTicket"] = "Sometimes";
        settings["Bridge:Mappings:broken:File"] = "no/such/file.json";
        using var factory = new BridgeFactory(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => factory.Server);

        var errors = exception.Failures.ToList();
        Assert.Contains(errors, e => e.StartsWith("Bridge:Webhooks:snow-incident:Destination: unknown destination 'servicenow-typo'; known: servicenow", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Bridge:Destinations:servicenow:Url: 'not a url' is not an absolute http(s) URL", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Bridge:Destinations:servicenow:Authentication:Password: required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Bridge:Subscriptions:calm-to-snow:Mapping: unknown mapping 'no-such-mapping'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Bridge:Subscriptions:orphan:Webhook: unknown webhook 'missing-webhook'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Bridge:Security:Clients:ops:Roles: unknown role 'superuser'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Bridge:Lifecycle:CloseWithoutTicket: 'Sometimes'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Bridge:Mappings:broken:File: cannot read", StringComparison.Ordinal));
        Assert.Equal(8, errors.Count);
    }

    [Theory]
    [InlineData("00:00:30")]
    [InlineData("1.00:00:00")]
    public void AConsoleSessionLifetimeOutsideAMinuteTo12Hours_StopsTheStart(string lifetime)
    {
        var settings = TestSettings.ForServiceNow("http://127.0.0.1:9", Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.db"));
        settings["Bridge:Security:ConsoleSessionLifetime"] = lifetime;
        using var factory = new BridgeFactory(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => factory.Server);

        Assert.Equal($"Bridge:Security:ConsoleSessionLifetime: must be between 00:01:00 and 12:00:00 (is {TimeSpan.Parse(lifetime, System.Globalization.CultureInfo.InvariantCulture)})",
            Assert.Single(exception.Failures));
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("2.00:00:00")]
    public void TheLookUpBeforeACreate_TakesAutoOrAlways_AndASkipWindowOfASecondToADay(string window)
    {
        var settings = TestSettings.ForServiceNow("http://127.0.0.1:9", Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.db"));
        settings["Bridge:Lifecycle:LookupBeforeCreate"] = "Never";
        settings["Bridge:Lifecycle:LookupSkipWindow"] = window;
        using var factory = new BridgeFactory(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => factory.Server);

        Assert.Equal(
            [
                "Bridge:Lifecycle:LookupBeforeCreate: 'Never' must be 'Auto' or 'Always'",
                $"Bridge:Lifecycle:LookupSkipWindow: must be between 00:00:01 and 1.00:00:00 (is {TimeSpan.Parse(window, System.Globalization.CultureInfo.InvariantCulture)})",
            ],
            exception.Failures);
    }

    [Fact]
    public void DurationsBeyondWhatTheTimersAccept_StopTheStart_NamingEachKey()
    {
        var settings = TestSettings.ForServiceNow("http://127.0.0.1:9", Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.db"));
        settings["Bridge:Delivery:PollInterval"] = "60.00:00:00";
        settings["Bridge:Delivery:RetryMaxDelay"] = "400.00:00:00";
        settings["Bridge:Delivery:LeaseDuration"] = "30.00:00:00";
        using var factory = new BridgeFactory(settings);

        var errors = Assert.Throws<OptionsValidationException>(() => factory.Server).Failures.ToList();

        Assert.Contains(errors, e => e.StartsWith("Bridge:Delivery:PollInterval: must be positive and at most 00:01:00", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Bridge:Delivery:RetryMaxDelay: must be at most 1.00:00:00", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Bridge:Delivery:LeaseDuration: must be between 00:00:01 and 01:00:00", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, "Sqlite", 32)]
    [InlineData(null, "PostgreSql", 8)]
    [InlineData(null, "postgresql", 8)]
    [InlineData(20, "PostgreSql", 20)]
    [InlineData(4, "Sqlite", 4)]
    public void ConcurrentDeliveries_AreTheStoragesDefault_UnlessConfigured(int? configured, string provider, int expected)
    {
        // Issue 21, item 7: 32 against a fast ticket system on SQLite; 8 per instance on PostgreSQL, where each delivery
        // holds two connections and 32 took the CPU a storm's accepts needed (docs/performance.md).
        Assert.Equal(expected, new CloudAlmBridge.Configuration.DeliveryOptions { MaxConcurrentDeliveries = configured }.ConcurrentDeliveriesOn(provider));
    }

    [Fact]
    public void AConfiguredConcurrencyOutsideItsRange_StopsTheStart_NamingTheKey()
    {
        var settings = TestSettings.ForServiceNow("http://127.0.0.1:9", Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.db"));
        settings["Bridge:Delivery:MaxConcurrentDeliveries"] = "0";
        using var factory = new BridgeFactory(settings);

        var errors = Assert.Throws<OptionsValidationException>(() => factory.Server).Failures.ToList();

        Assert.Contains("Bridge:Delivery:MaxConcurrentDeliveries: must be between 1 and 256 (is 0)", errors);
    }

    [Fact]
    public void SubscriptionsThatCouldNeverDeliver_StopTheStart()
    {
        var settings = TestSettings.ForServiceNow("http://127.0.0.1:9", Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.db"));
        settings["Bridge:Subscriptions:workflows:Webhook"] = "snow-incident";
        settings["Bridge:Subscriptions:workflows:ResourceType"] = "WORKFLOW";
        settings["Bridge:Subscriptions:typo:Webhook"] = "snow-incident";
        settings["Bridge:Subscriptions:typo:ResourceType"] = "EVENT-SITUATIONSS";
        settings["Bridge:Subscriptions:workflows:UserVariables:closeCode"] = "Solved (Permanently)";
        settings["Bridge:Subscriptions:typo:UserVariables:closeCode"] = "Solved (Permanently)";
        settings["Bridge:Webhooks:snow-problem:Destination"] = "servicenow";
        settings["Bridge:Webhooks:snow-problem:Path"] = "/api/now/table/problem";
        settings["Bridge:Webhooks:snow-problem:DestinationType"] = "SNOW";
        settings["Bridge:Webhooks:snow-problem:ExternalResourceType"] = "Problem";
        settings["Bridge:Subscriptions:problems:Webhook"] = "snow-problem";
        using var factory = new BridgeFactory(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => factory.Server);

        Assert.Contains(exception.Failures, e => e.StartsWith("Bridge:Subscriptions:workflows:ResourceType: 'WORKFLOW' is not bridged", StringComparison.Ordinal));
        Assert.Contains("Bridge:Subscriptions:problems:Mapping: required, as no built-in mapping writes a SNOW 'Problem' (built in: SNOW Incident and Case, JIRA)", exception.Failures);
        Assert.Contains(exception.Failures, e => e.StartsWith("Bridge:Subscriptions:typo:ResourceType: 'EVENT-SITUATIONSS' is not bridged", StringComparison.Ordinal));
        Assert.Equal(3, exception.Failures.Count());
    }

    [Fact]
    public void ABuiltInMappingWithoutItsUserVariables_StopsTheStart_NamingSubscriptionVariableAndPurpose()
    {
        var settings = TestSettings.ForServiceNowAndJira("http://127.0.0.1:9", "http://127.0.0.1:9", Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.db"));
        settings["Bridge:Subscriptions:calm-to-snow:UserVariables:closeCode"] = "  ";
        settings["Bridge:Subscriptions:calm-to-jira:UserVariables:issueType"] = null;
        settings["Bridge:Webhooks:snow-case:Destination"] = "servicenow";
        settings["Bridge:Webhooks:snow-case:Path"] = "/api/now/table/sn_customerservice_case";
        settings["Bridge:Webhooks:snow-case:DestinationType"] = "SNOW";
        settings["Bridge:Webhooks:snow-case:ExternalResourceType"] = "Case";
        settings["Bridge:Subscriptions:cases:Webhook"] = "snow-case";

        // A mapping of one's own decides for itself what it needs: nothing is required of it.
        settings["Bridge:Subscriptions:own-mapping:Webhook"] = "snow-incident";
        settings["Bridge:Subscriptions:own-mapping:Mapping"] = "sap-document-approval";
        using var factory = new BridgeFactory(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => factory.Server);

        Assert.Equal(
            [
                "Bridge:Subscriptions:calm-to-jira:UserVariables:issueType: required by the built-in mapping 'jira-issue': the issue type the issues are created with (fields.issuetype.name), e.g. Task",
                "Bridge:Subscriptions:calm-to-snow:UserVariables:closeCode: required by the built-in mapping 'servicenow-incident': the resolution code (close_code) ServiceNow requires to resolve an incident, a value of the instance's close_code choices, e.g. Solved (Permanently)",
                "Bridge:Subscriptions:cases:UserVariables:resolutionCode: required by the built-in mapping 'servicenow-case': the resolution code (resolution_code) ServiceNow requires to resolve a case, a value of the instance's resolution_code choices",
            ],
            exception.Failures.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void CredentialsInADestinationUrl_StopTheStart_WithoutRepeatingThem()
    {
        var settings = TestSettings.ForServiceNow("http://127.0.0.1:9", Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.db"));
        settings["Bridge:Destinations:servicenow:Url"] = "https://bridge:url-password-6161@acme.service-now.com";
        settings["Bridge:Destinations:jira:Url"] = "https://jira.example.com";
        settings["Bridge:Destinations:jira:Authentication:Type"] = "OAuth2ClientCredentials";
        settings["Bridge:Destinations:jira:Authentication:TokenUrl"] = "https://id:token-password-6262@auth.example.com/token";
        settings["Bridge:Destinations:jira:Authentication:ClientId"] = "id";
        settings["Bridge:Destinations:jira:Authentication:ClientSecret"] = "secret";
        using var factory = new BridgeFactory(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => factory.Server);

        Assert.Contains(exception.Failures, e => e.StartsWith("Bridge:Destinations:servicenow:Url: holds credentials", StringComparison.Ordinal));
        Assert.Contains(exception.Failures, e => e.StartsWith("Bridge:Destinations:jira:Authentication:TokenUrl: holds credentials", StringComparison.Ordinal));
        Assert.DoesNotContain("password-6", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(factory.Logs.Lines, line => line.Contains("password-6", StringComparison.Ordinal));
    }

    [Fact]
    public void MappingFileWithErrors_StopsTheStart_WithEachErrorAndItsPath()
    {
        var directory = Directory.CreateTempSubdirectory("cloudalmbridge-mapping").FullName;
        var file = Path.Combine(directory, "acme.json");
        File.WriteAllText(file, """
            { "structure": { "request": { "urgency": "${SWITCH(sevrity,rating)}", "x": "#{open" } },
              "switches": [ { "name": "severity", "cases": [] } ],
              "eventTypeMapping": { "operationMappings": [ { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST" } ] } }
            """);
        var settings = TestSettings.ForServiceNow("http://127.0.0.1:9", Path.Combine(directory, "bridge.db"));
        settings["Bridge:Mappings:acme:File"] = file;
        settings["Bridge:Subscriptions:calm-to-snow:Mapping"] = "acme";
        using var factory = new BridgeFactory(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => factory.Server);

        Assert.Contains("Bridge:Mappings:acme: unknown switch 'sevrity' at structure.request.urgency; did you mean 'severity'?", exception.Failures);
        Assert.Contains(exception.Failures, e => e.StartsWith("Bridge:Mappings:acme: unclosed placeholder '#{open' at structure.request.x", StringComparison.Ordinal));
    }

    [Fact]
    public void ClientCertificateWithoutCertificate_IsAClearError()
    {
        var settings = TestSettings.ForServiceNow("http://127.0.0.1:9", Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.db"));
        settings["Bridge:Destinations:servicenow:Authentication:Type"] = "ClientCertificateAuthentication";
        using var factory = new BridgeFactory(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => factory.Server);

        Assert.Contains(exception.Failures, e => e.StartsWith("Bridge:Destinations:servicenow:Authentication:Certificate: give exactly one of Certificate", StringComparison.Ordinal));
    }
}
