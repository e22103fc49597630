using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Security;

/// <summary>
/// Issue 25, "In production": a browser that once signed in with Basic credentials (the API answers
/// <c>WWW-Authenticate: Basic</c>) sends them on every request to the bridge, also on a form that another site posts.
/// State changes over the REST API refuse what a browser can send cross-site without CORS; Cloud ALM, scripts and
/// Swagger UI are not affected.
/// </summary>
public sealed class CrossSiteTests(ServiceNowBridgeFixture bridge) : IClassFixture<ServiceNowBridgeFixture>
{
    [Fact]
    public async Task AReplayPostedFromAnotherSite_IsRefused_AndTheDeadLetterStays()
    {
        var id = await DeadLetterAsync();
        using var admin = bridge.AdminClient();

        using var crossSite = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/deliveries/{id}/retry");
        crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
        var refused = await admin.SendAsync(crossSite);
        var form = await admin.PostAsync($"/api/v1/deliveries/{id}/retry", new FormUrlEncodedContent(new Dictionary<string, string> { ["x"] = "1" }));
        var text = await admin.PostAsync($"/api/v1/deliveries/{id}/retry", new StringContent("x", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("came from another site", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Equal("DeadLettered", (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{id}")).GetProperty("state").GetString());

        // The bridge's own pages (Swagger UI) and callers without Sec-Fetch-Site (scripts, Cloud ALM) still replay.
        using var sameOrigin = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/deliveries/{id}/retry");
        sameOrigin.Headers.Add("Sec-Fetch-Site", "same-origin");
        Assert.Equal(HttpStatusCode.Accepted, (await admin.SendAsync(sameOrigin)).StatusCode);

        // The replay runs to its end here (ServiceNow still refuses it), not during the next test.
        await Polling.WaitUntilAsync(async () => (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{id}")).GetProperty("state").GetString() == "DeadLettered",
            "the replayed delivery dead-lettered again");
    }

    [Theory]
    [InlineData("cross-site")]
    [InlineData("same-site")]
    public async Task TestConnectionFromAnotherSite_IsRefused(string site)
    {
        bridge.ResetTicketSystems();
        using var admin = bridge.AdminClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/destinations/servicenow/test");
        request.Headers.Add("Sec-Fetch-Site", site);

        var response = await admin.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(bridge.ServiceNow.LogEntries);
    }

    [Fact]
    public async Task ABodylessPostFromAnotherOrigin_WithoutFetchMetadata_IsRefused()
    {
        // An older browser's no-cors fetch: no Sec-Fetch-Site, no body, but the page's Origin.
        bridge.ResetTicketSystems();
        using var admin = bridge.AdminClient();
        using var foreign = new HttpRequestMessage(HttpMethod.Post, "/api/v1/destinations/servicenow/test");
        foreign.Headers.Add("Origin", "https://attacker.example");
        using var own = new HttpRequestMessage(HttpMethod.Post, "/api/v1/destinations/servicenow/test");
        own.Headers.Add("Origin", "https://localhost");

        Assert.Equal(HttpStatusCode.Forbidden, (await admin.SendAsync(foreign)).StatusCode);
        Assert.Empty(bridge.ServiceNow.LogEntries);
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(own)).StatusCode);
    }

    [Fact]
    public async Task ReadsFromAnotherSite_AndTheEventsOfCloudAlm_AreNotAffected()
    {
        using var admin = bridge.AdminClient();
        using var read = new HttpRequestMessage(HttpMethod.Get, "/api/v1/deliveries");
        read.Headers.Add("Sec-Fetch-Site", "cross-site");
        bridge.ServiceNow.AnswersLookup();
        bridge.ServiceNow.AnswersCreate("f00d", "INC0025012");

        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(read)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await bridge.EventsClient().PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()))).StatusCode);
    }

    private async Task<long> DeadLetterAsync()
    {
        bridge.ResetTicketSystems();
        bridge.ServiceNow.AnswersLookup();
        bridge.ServiceNow.AnswersError("POST", ServiceNowStubs.IncidentPath, 403, "Operation Failed", "Data Policy Exception");
        using var events = bridge.EventsClient();
        var refused = await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));
        Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        return (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deliveryId").GetInt64();
    }
}
