using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Tickets;

/// <summary>
/// Issue 12: a resolve that ServiceNow refuses on a data policy (403, its own message naming fields by label) is
/// dead-lettered with the field's name, what the bridge sent in it and where the built-in mapping takes it from.
/// </summary>
public sealed class ServiceNowDataPolicyTests : IClassFixture<ServiceNowBridgeFixture>
{
    private readonly ServiceNowBridgeFixture _bridge;

    public ServiceNowDataPolicyTests(ServiceNowBridgeFixture bridge)
    {
        _bridge = bridge;
        bridge.ResetTicketSystems();
    }

    [Fact]
    public async Task Resolve_RefusedByADataPolicy_DeadLettersNamingTheFieldsServiceNowWanted()
    {
        var snow = _bridge.ServiceNow;
        snow.AnswersLookup();
        snow.AnswersCreate("ddd444", "INC0040004");
        snow.AnswersError("PATCH", $"{ServiceNowStubs.IncidentPath}/ddd444", 403, "Operation Failed",
            "Data Policy Exception: \n\tThe following fields are mandatory: Resolution code, Caller, Business service\n");
        using var client = _bridge.EventsClient();
        using var admin = _bridge.AdminClient();
        var situation = Events.NewSituationId();
        await client.PostEventAsync(TestSettings.Subscription, Events.Message("created", situation));

        var closed = await client.PostEventAsync(TestSettings.Subscription, Events.Message("closed", situation));

        Assert.Equal(HttpStatusCode.BadGateway, closed.StatusCode);
        var problem = await closed.Content.ReadFromJsonAsync<JsonElement>();
        var dead = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{problem.GetProperty("deliveryId").GetInt64()}");
        Assert.Equal("DeadLettered", dead.GetProperty("state").GetString());
        Assert.Equal(403, dead.GetProperty("lastStatus").GetInt32());
        var error = dead.GetProperty("lastError").GetString();
        Assert.Contains($"PATCH {snow.Url}{ServiceNowStubs.IncidentPath}/ddd444 answered 403: Operation Failed: Data Policy Exception:", error);
        Assert.Contains(
            "ServiceNow's data policy wants: "
            + "Resolution code (field close_code, sent as 'Solved (Permanently)'; the built-in mappings fill it from the user variable closeCode; ServiceNow drops a value that is not one of the field's choices or records); "
            + "Caller (field caller_id, not sent; the built-in mappings fill it from the user variable caller; set it); "
            + "Business service (a field the built-in mappings do not write: add it to a mapping of your own, see docs/mappings.md, 'ServiceNow fields')",
            error);
        Assert.Equal(error, problem.GetProperty("detail").GetString());
        Assert.Single(snow.Calls("PATCH", $"{ServiceNowStubs.IncidentPath}/ddd444"));
    }

    [Fact]
    public async Task AnotherForbidden_KeepsServiceNowsMessageAlone()
    {
        var snow = _bridge.ServiceNow;
        snow.AnswersLookup();
        snow.AnswersError("POST", ServiceNowStubs.IncidentPath, 403, "User Not Authorized", "ACL restricts the record");
        using var client = _bridge.EventsClient();

        var created = await client.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));

        Assert.Equal(HttpStatusCode.BadGateway, created.StatusCode);
        var detail = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.EndsWith($"POST {snow.Url}{ServiceNowStubs.IncidentPath} answered 403: User Not Authorized: ACL restricts the record", detail);
    }
}
