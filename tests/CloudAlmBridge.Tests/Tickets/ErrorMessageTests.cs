using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CloudAlmBridge.Tests.Tickets;

/// <summary>Issue 13, item 6: a delivery's error names the call (method and URL) and, for a look-up, the step.</summary>
public sealed class ErrorMessageTests : IDisposable
{
    private readonly IsolatedServiceNow _serviceNow = new();

    [Fact]
    public async Task ATypoInTheWebhookPath_NamesTheLookUpBeforeTheCreate_AndItsUrl_AndHoldsTheSituationInsteadOfCreatingBlind()
    {
        var settings = _serviceNow.Settings();
        settings["Bridge:Webhooks:snow-incident:Path"] = "/api/now/table/incidnet";
        _serviceNow.ServiceNow.Given(Request.Create().WithPath("/api/now/table/incidnet").UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "application/json")
                .WithBody("""{"error":{"message":"Invalid table incidnet","detail":null},"status":"failure"}"""));
        using var factory = new BridgeFactory(settings);
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);

        var answer = await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));

        Assert.Equal(HttpStatusCode.BadGateway, answer.StatusCode);
        var detail = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains($"GET {_serviceNow.Url}/api/now/table/incidnet (the look-up before a create) answered 404: Invalid table incidnet", detail);
        Assert.StartsWith("held before its create: the ticket system refused the look-up that must come before its create", detail, StringComparison.Ordinal);
        Assert.Contains("no create was sent", detail, StringComparison.Ordinal);
        Assert.Contains("The situation is held", detail, StringComparison.Ordinal);
        Assert.Empty(_serviceNow.ServiceNow.Calls("POST"));
    }

    [Fact]
    public async Task ARefusedCreate_NamesThePostAndItsUrl()
    {
        _serviceNow.ServiceNow.AnswersLookup();
        _serviceNow.ServiceNow.AnswersError("POST", ServiceNowStubs.IncidentPath, 400, "Invalid field", "urgency: 9 is not a choice");
        using var factory = new BridgeFactory(_serviceNow.Settings());
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);

        var answer = await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));

        var detail = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Equal($"POST {_serviceNow.Url}{ServiceNowStubs.IncidentPath} answered 400: Invalid field: urgency: 9 is not a choice", detail);
    }

    public void Dispose() => _serviceNow.Dispose();
}
