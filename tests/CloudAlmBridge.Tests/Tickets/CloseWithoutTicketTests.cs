using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Tickets;

/// <summary>docs/api.md §3: a CLOSED without ticket creates and closes when Bridge:Lifecycle:CloseWithoutTicket says so.</summary>
public sealed class CloseWithoutTicketTests : IDisposable
{
    private readonly IsolatedServiceNow _isolated = new();

    [Fact]
    public async Task CreateAndClose_OpensTheIncident_AndResolvesIt()
    {
        var settings = _isolated.Settings();
        settings["Bridge:Lifecycle:CloseWithoutTicket"] = "CreateAndClose";
        using var factory = new BridgeFactory(settings);
        using var client = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        _isolated.ServiceNow.AnswersLookup();
        _isolated.ServiceNow.AnswersCreate("jjj000", "INC0030000");
        _isolated.ServiceNow.AnswersPatch("jjj000", "INC0030000", "6");

        var response = await client.PostEventAsync(TestSettings.Subscription, Events.Message("closed", Events.NewSituationId()));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("INC0030000", answer.GetProperty("externalNumber").GetString());
        Assert.Equal("RESOLVED", answer.GetProperty("externalStatus").GetString());
        Assert.Single(_isolated.ServiceNow.Calls("POST"));
        Assert.Equal("6", ServiceNowStubs.BodyOf(Assert.Single(_isolated.ServiceNow.Calls("PATCH")))["state"]!.GetValue<string>());
    }

    public void Dispose() => _isolated.Dispose();
}
