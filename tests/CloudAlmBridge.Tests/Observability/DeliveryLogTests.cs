using System.Net;
using CloudAlmBridge.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CloudAlmBridge.Tests.Observability;

/// <summary>
/// Issue 13: an expected failure (here: ServiceNow answering later than the attempt may wait) of the ticket system is one line per quick retry and one for the attempt, with the
/// call named, and no stack trace; the lines read as sentences.
/// </summary>
public sealed class DeliveryLogTests : IDisposable
{
    private readonly IsolatedServiceNow _serviceNow = new();

    [Fact]
    public async Task AnUpdateThatTimesOutEveryTime_IsOneLinePerRetry_WithoutStackTraces()
    {
        var settings = _serviceNow.Settings();
        settings["Serilog:MinimumLevel:Default"] = "Information";
        settings["Bridge:Inbound:WaitForDeliverySeconds"] = "5";
        var snow = _serviceNow.ServiceNow;
        snow.AnswersLookup();
        snow.AnswersCreate("log111", "INC0050001");
        snow.Given(Request.Create().WithPath($"{ServiceNowStubs.IncidentPath}/log111").UsingPatch())
            .AtPriority(-1).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(3)));
        using var factory = new BridgeFactory(settings);
        using var calm = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        var situation = Events.NewSituationId();

        var created = await calm.PostEventAsync(TestSettings.Subscription, Events.Message("created", situation));
        var updated = await calm.PostEventAsync(TestSettings.Subscription, Events.Message("updated", situation));
        await Polling.WaitUntilAsync(
            () => Task.FromResult(factory.Logs.Lines.Any(l => l.Contains("next attempt", StringComparison.OrdinalIgnoreCase))),
            "the retry scheduled\n" + string.Join("\n", factory.Logs.Lines));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, updated.StatusCode);
        // The capturing provider sees Serilog's rendering, which quotes text values; the console writes them bare.
        var lines = factory.Logs.Lines.Select(l => l.Replace("\"", string.Empty, StringComparison.Ordinal)).ToList();
        var url = $"{_serviceNow.Url}{ServiceNowStubs.IncidentPath}/log111";

        // Two quick retries in the test settings: one line each, naming the call.
        Assert.Equal(2, lines.Count(l => l.Contains($"PATCH {url} failed (The call did not answer within", StringComparison.Ordinal) && l.Contains("quick retry", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Contains($"PATCH {url} failed: servicenow did not answer in time", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("   at ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Exception:", StringComparison.Ordinal) && l.Contains("Polly", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("ticket null", StringComparison.Ordinal) || l.Contains("ticket (null)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"CREATED of situation {situation} on calm-to-snow: ticket INC0050001 created (delivery 1)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"UPDATED of situation {situation} on calm-to-snow: the update failed (delivery 2)", StringComparison.Ordinal));
    }

    public void Dispose() => _serviceNow.Dispose();
}
