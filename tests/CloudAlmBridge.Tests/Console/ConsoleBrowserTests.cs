using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudAlmBridge.Tests.Infrastructure;
using Microsoft.Playwright;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CloudAlmBridge.Tests.Console;

/// <summary>The operator console in a real browser (Debian's Chromium, headless), against the bridge on Kestrel over TLS.</summary>
public sealed class ConsoleBrowserTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private const string Subscription = TestSettings.Subscription;

    /// <summary>A mapping with a typo in a switch's name: the error is reported at the field that uses it.</summary>
    private const string BrokenMapping = """
        {
          "switches": [ { "name": "switchUrgency", "cases": [ { "when": "ERROR", "then": "1" } ], "default": "3" } ],
          "structure": {
            "request": { "short_description": "[SAP Cloud ALM] #{subject}", "urgency": "${SWITCH(switchUrgncy,rating)}", "correlation_id": "#{id}" },
            "response": { "externalId": "#{sys_id}", "externalNumber": "#{number}", "externalStatus": "#{state}" }
          },
          "eventTypeMapping": { "operationMappings": [ { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST", "responseRoot": "result" } ] }
        }
        """;

    private static readonly string FixedMapping = BrokenMapping.Replace("switchUrgncy", "switchUrgency", StringComparison.Ordinal);

    [Fact]
    public async Task WithoutASession_TheConsoleRedirectsToTheLoginForm_AndAnAdminSignsIn_WithAStrictHttpOnlySecureCookie()
    {
        var page = await fixture.NewPageAsync();

        await page.GotoAsync("/console");
        Assert.Contains("/console/login", page.Url, StringComparison.Ordinal);
        await ConsoleFixture.ScreenshotAsync(page, "login");
        await page.FillAsync("#client", TestSettings.AdminClient);
        await page.FillAsync("#secret", TestSettings.AdminSecret);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/console");

        Assert.Equal("Overview", await page.TextContentAsync("h1"));
        Assert.Contains($"Signed in as {TestSettings.AdminClient}", await page.TextContentAsync("header"), StringComparison.Ordinal);
        // The readiness checks with their details, which anonymous /health/ready does not give.
        var readiness = await page.TextContentAsync("#readiness-checks");
        Assert.Contains("storage", readiness, StringComparison.Ordinal);
        Assert.Contains("subscriptions in force", readiness, StringComparison.Ordinal);
        var session = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "bridge-console");
        Assert.True(session.HttpOnly);
        Assert.True(session.Secure);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
        Assert.Equal(-1, session.Expires); // a session cookie: gone with the browser; the ticket inside expires after the lifetime

        // Keyboard first: the first Tab reaches "Skip to content", the next ones the navigation.
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to content", await page.EvaluateAsync<string>("() => document.activeElement.textContent"));
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Overview", await page.EvaluateAsync<string>("() => document.activeElement.textContent"));

        // A signed-in session is not enough to act: a POST without the page's antiforgery token is refused.
        var forged = await page.APIRequest.PostAsync("/console/deliveries/replay",
            new APIRequestContextOptions { Form = page.APIRequest.CreateFormData().Append("scope", "filter") });
        Assert.Equal(400, forged.Status);
        Assert.Contains("This form has expired or did not come from this console", await forged.TextAsync(), StringComparison.Ordinal);

        await page.ClickAsync("text=Sign out");
        await page.WaitForURLAsync("**/console/login");
        await page.GotoAsync("/console/tickets");
        Assert.Contains("/console/login", page.Url, StringComparison.Ordinal);
        Assert.Empty(fixture.BrowserErrors);
    }

    [Fact]
    public async Task TheEventsClient_IsRefusedWith403_AndAWrongSecret_GetsTheFormAgainWithAnError()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/console/login");

        await page.FillAsync("#client", TestSettings.EventsClient);
        await page.FillAsync("#secret", TestSettings.EventsSecret);
        var refused = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("button[type=submit]"),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/console/login", StringComparison.Ordinal));

        Assert.Equal(403, refused.Status);
        Assert.Contains("is not an admin", await page.TextContentAsync("[role=alert]"), StringComparison.Ordinal);
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "bridge-console");

        await page.FillAsync("#secret", "not-the-secret");
        await page.FillAsync("#client", TestSettings.AdminClient);
        var wrong = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("button[type=submit]"),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/console/login", StringComparison.Ordinal));

        Assert.Equal(401, wrong.Status);
        Assert.Equal("Unknown client or wrong secret.", await page.TextContentAsync("[role=alert]"));
        Assert.False(wrong.Headers.ContainsKey("www-authenticate")); // no browser Basic prompt
        Assert.Equal(TestSettings.AdminClient, await page.InputValueAsync("#client"));
        Assert.Empty(fixture.BrowserErrors);
    }

    [Fact]
    public async Task ADeadLetter_IsShownWithItsAttempts_ReplayedFromItsPage_AndDelivered_WithItsTicketLinked()
    {
        var (situation, id) = await DeadLetterAsync();
        var page = await fixture.SignedInPageAsync();
        await ConsoleFixture.ScreenshotAsync(page, "overview");

        Assert.True(long.Parse(await page.TextContentAsync("#dead-letters .big") ?? "0", System.Globalization.CultureInfo.InvariantCulture) >= 1);
        await page.ClickAsync("#dead-letters");
        await page.ClickAsync($"a[href='/console/deliveries/{id}']");

        Assert.Equal("DeadLettered", await page.TextContentAsync("#delivery-state"));
        Assert.Contains("The following fields are mandatory: Caller", await page.TextContentAsync("table"), StringComparison.Ordinal);
        Assert.Contains(situation, await page.TextContentAsync("pre.json"), StringComparison.Ordinal);
        await ConsoleFixture.ScreenshotAsync(page, "delivery");

        var number = AcceptCreate(situation);
        await page.ClickAsync("#replay");
        await page.WaitForURLAsync($"**/console/deliveries/{id}?replayed=1");
        await WaitForStateAsync(page, "Delivered");

        Assert.Equal(number, await page.TextContentAsync("dd a[target=_blank]"));
        await page.GotoAsync($"/console/tickets?subscription={Subscription}");
        var row = page.Locator("tr", new PageLocatorOptions { HasText = situation });
        Assert.Contains(number, await row.TextContentAsync(), StringComparison.Ordinal);
        Assert.StartsWith(fixture.ServiceNow.Url!, await row.Locator("a[target=_blank]").GetAttributeAsync("href"), StringComparison.Ordinal);
        await ConsoleFixture.ScreenshotAsync(page, "tickets");
        Assert.Empty(fixture.BrowserErrors);
    }

    [Fact]
    public async Task AHeldSituation_IsOnTheOverviewAndItsPage_AndIsSettledThereWithItsTicket()
    {
        // A create answered after the bridge gave up (AttemptTimeout 2 s), on a target without a look-up: held.
        var situation = Events.NewSituationId();
        fixture.ServiceNow.Given(Request.Create().WithPath(ConsoleFixture.HeldTicketsPath).UsingPost()
                .WithBody(new WildcardMatcher($"*{situation}*")))
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"id":"T-41"}""").WithDelay(TimeSpan.FromSeconds(3)));
        fixture.ServiceNow.Given(Request.Create().WithPath($"{ConsoleFixture.HeldTicketsPath}/T-41").UsingPatch())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"id":"T-41"}"""));
        using var events = fixture.Client(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = fixture.Client(TestSettings.AdminClient, TestSettings.AdminSecret);
        await events.PostEventAsync(ConsoleFixture.HeldSubscription, Events.Message("created", situation));
        await events.PostEventAsync(ConsoleFixture.HeldSubscription, Events.Message("updated", situation));
        await Polling.WaitUntilAsync(async () => (await admin.GetFromJsonAsync<JsonElement>("/api/v1/held-situations")).EnumerateArray()
            .Any(h => h.GetProperty("situationId").GetString() == situation), "the situation held");

        var page = await fixture.SignedInPageAsync();
        Assert.True(long.Parse(await page.TextContentAsync("#held .big") ?? "0", System.Globalization.CultureInfo.InvariantCulture) >= 1);
        await page.ClickAsync("#held");
        await page.WaitForURLAsync("**/console/held");
        var card = page.Locator("section", new PageLocatorOptions { HasText = situation });
        Assert.Contains("outcome unknown", await card.TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains("has no look-up", await card.TextContentAsync(), StringComparison.Ordinal);
        await ConsoleFixture.ScreenshotAsync(page, "held");

        await card.Locator("input[name=ticketId]").FillAsync("T-41");
        await card.Locator("text=This is the ticket").ClickAsync();
        await page.WaitForURLAsync("**/console/held?settled=released");

        Assert.Contains("Settled", await page.TextContentAsync("p.notice"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("section", new PageLocatorOptions { HasText = situation }).CountAsync());
        var ticket = await Polling.WaitForSituationAsync(admin, ConsoleFixture.HeldSubscription, situation, 2);
        Assert.Equal("T-41", ticket.GetProperty("ticketId").GetString());
        Assert.Equal(2, fixture.ServiceNow.Calls("PATCH", $"{ConsoleFixture.HeldTicketsPath}/T-41").Count);
        Assert.Contains(fixture.Factory.Logs.Lines, l => l.Contains("ConsoleAudit", StringComparison.Ordinal)
            && l.Contains("settled held situation", StringComparison.Ordinal) && l.Contains(situation, StringComparison.Ordinal));
        Assert.Empty(fixture.BrowserErrors);
    }

    [Fact]
    public async Task AMaintenanceWindow_IsStartedOnItsPage_HoldsAnEvent_AndEndedThere_DropsIt()
    {
        var (service, situation, reason) = (Guid.NewGuid().ToString(), Events.NewSituationId(), $"console window {Guid.NewGuid():N}");
        var page = await fixture.SignedInPageAsync();
        await page.ClickAsync("nav >> text=Maintenance");
        await page.WaitForURLAsync("**/console/maintenance");
        Assert.Equal("Maintenance windows", await page.TextContentAsync("h1"));

        await page.FillAsync("#minutes", "30");
        await page.CheckAsync($"input[name=subscriptions][value={Subscription}]");
        await page.FillAsync("#services", service);
        await page.SelectOptionAsync("#atEnd", "Drop");
        await page.FillAsync("#reason", reason);
        await page.ClickAsync("text=Start the window");
        await page.WaitForURLAsync("**/console/maintenance?done=started");

        Assert.Contains("Started", await page.TextContentAsync("p.notice"), StringComparison.Ordinal);
        var row = page.Locator("tr", new PageLocatorOptions { HasText = reason });
        var name = await row.GetAttributeAsync("data-window");
        Assert.StartsWith("adhoc-", name, StringComparison.Ordinal);
        Assert.Contains("Active", await row.TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains($"started by {TestSettings.AdminClient}", await row.TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains(fixture.Factory.Logs.Lines, l => l.Contains("Id: 9001", StringComparison.Ordinal) && l.Contains($"Window={name},", StringComparison.Ordinal)
                                                         && l.Contains($"User={TestSettings.AdminClient},", StringComparison.Ordinal));

        // An event of the service, while the window runs: stored, answered Maintenance, and nothing sent.
        using var events = fixture.Client(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = fixture.Client(TestSettings.AdminClient, TestSettings.AdminSecret);
        var created = Events.Message("created", situation);
        created["resource"]!["serviceId"] = service;
        var answer = await events.PostEventAsync(Subscription, created);
        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        Assert.Equal("Maintenance", (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deliveryState").GetString());
        await Polling.WaitUntilAsync(async () => (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/maintenance/{name}"))
            .GetProperty("heldBack").GetProperty("waiting").GetInt64() == 1, "the event held");
        await page.ReloadAsync();
        Assert.Contains("1 events: 1 waiting", await row.TextContentAsync(), StringComparison.Ordinal);
        await ConsoleFixture.ScreenshotAsync(page, "maintenance");

        await row.Locator("text=End now").ClickAsync();
        await page.WaitForURLAsync("**/console/maintenance?done=ended");

        Assert.Contains("Ended", await page.TextContentAsync("p.notice"), StringComparison.Ordinal);
        Assert.Contains($"ended early by {TestSettings.AdminClient}", await row.TextContentAsync(), StringComparison.Ordinal);
        var delivery = await Polling.WaitForDeliveryAsync(admin, Polling.DeliveryId(answer));
        Assert.Equal("Skipped", delivery.GetProperty("state").GetString());
        Assert.DoesNotContain(fixture.ServiceNow.LogEntries, e => e.RequestMessage.Body?.Contains(situation, StringComparison.Ordinal) ?? false);
        Assert.Contains(fixture.Factory.Logs.Lines, l => l.Contains("ConsoleAudit", StringComparison.Ordinal)
            && l.Contains("ended maintenance window", StringComparison.Ordinal) && l.Contains(name!, StringComparison.Ordinal));
        Assert.Empty(fixture.BrowserErrors);
    }

    [Fact]
    public async Task AFlapThatReopenedItsIncident_IsShownOnTheTicketsPage_OnTheNewSituationAndTheOld()
    {
        // Issue 22, item 4: reopened tickets are visible in the console, on both situations that share the incident.
        var service = Guid.NewGuid().ToString();
        var sysId = Guid.NewGuid().ToString("N");
        fixture.ServiceNow.Given(Request.Create().WithPath(ServiceNowStubs.IncidentPath).UsingPost().WithBody(new WildcardMatcher($"*{service}*")))
            .AtPriority(-1)
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody($$$"""{"result":{"sys_id":"{{{sysId}}}","number":"INC0060001","state":"1"}}"""));
        foreach (var (state, priority) in new[] { ("2", -3), ("6", -2) })
        {
            // The reopen's PATCH sets state 2; every other one (the resolve) is answered resolved.
            fixture.ServiceNow.Given(Request.Create().WithPath($"{ServiceNowStubs.IncidentPath}/{sysId}").UsingPatch()
                    .WithBody(body => state == "6" || (body?.Contains("\"state\":\"2\"", StringComparison.Ordinal) ?? false)))
                .AtPriority(priority)
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                    .WithBody($$$"""{"result":{"sys_id":"{{{sysId}}}","number":"INC0060001","state":"{{{state}}}"}}"""));
        }

        using var events = fixture.Client(TestSettings.EventsClient, TestSettings.EventsSecret);
        var (first, second) = (Events.NewSituationId(), Events.NewSituationId());
        Assert.Equal(HttpStatusCode.Created, (await events.PostEventAsync(ConsoleFixture.ReopenSubscription, OfService("created", first, service))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await events.PostEventAsync(ConsoleFixture.ReopenSubscription, OfService("closed", first, service))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await events.PostEventAsync(ConsoleFixture.ReopenSubscription, OfService("created", second, service))).StatusCode);

        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync($"/console/tickets?subscription={ConsoleFixture.ReopenSubscription}");
        var reopened = TicketRow(page, second);
        var original = TicketRow(page, first);
        Assert.Contains("INC0060001", await reopened.TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains("INC0060001", await original.TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal($"reopened from {first}", (await reopened.Locator(".reopened").TextContentAsync())?.Trim());
        Assert.Equal($"reopened for {second}", (await original.Locator(".reopened").TextContentAsync())?.Trim());
        Assert.Empty(fixture.BrowserErrors);
    }

    private static ILocator TicketRow(IPage page, string situation) =>
        page.Locator("tbody tr").Filter(new LocatorFilterOptions { Has = page.Locator("td:nth-child(2)", new PageLocatorOptions { HasText = situation }) });

    private static JsonObject OfService(string name, string situation, string service)
    {
        var message = Events.Message(name, situation);
        message["resource"]!["serviceId"] = service;
        return message;
    }

    [Fact]
    public async Task AStormOfOneService_IsOneGroupOnTheGroupsPage_WithItsIncidentAndEveryMember()
    {
        var service = Guid.NewGuid().ToString();
        var sysId = Guid.NewGuid().ToString("N");
        fixture.ServiceNow.Given(Request.Create().WithPath(ServiceNowStubs.IncidentPath).UsingPost().WithBody(new WildcardMatcher($"*{service}*")))
            .AtPriority(-1)
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody($$$"""{"result":{"sys_id":"{{{sysId}}}","number":"INC0050001","state":"1"}}"""));
        fixture.ServiceNow.AnswersPatch(sysId, "INC0050001", "1");
        using var events = fixture.Client(TestSettings.EventsClient, TestSettings.EventsSecret);
        var situations = Enumerable.Range(0, 3).Select(_ => Events.NewSituationId()).ToList();
        foreach (var situation in situations)
        {
            var message = Events.Message("created", situation);
            message["resource"]!["serviceId"] = service;
            Assert.True((await events.PostEventAsync(ConsoleFixture.GroupedSubscription, message)).IsSuccessStatusCode);
        }

        var page = await fixture.SignedInPageAsync();
        await page.ClickAsync("nav >> text=Groups");
        await page.WaitForURLAsync("**/console/groups");
        var row = page.Locator("tr.group", new PageLocatorOptions { HasText = service });
        Assert.Equal(1, await row.CountAsync());
        var text = await row.TextContentAsync();
        Assert.Contains("INC0050001", text, StringComparison.Ordinal);
        Assert.Contains("3 members, 3 open", text, StringComparison.Ordinal);
        Assert.Contains("open", text, StringComparison.Ordinal);
        await row.Locator("summary").ClickAsync();
        foreach (var situation in situations)
        {
            Assert.True(await row.Locator("li", new LocatorLocatorOptions { HasText = situation }).IsVisibleAsync());
        }

        Assert.Contains("opened the group", await row.Locator("li").First.TextContentAsync(), StringComparison.Ordinal);
        await ConsoleFixture.ScreenshotAsync(page, "groups");
        Assert.Empty(fixture.BrowserErrors);
    }

    [Fact]
    public async Task BulkReplay_OfASelection_ConfirmsTheCount_ThenDeliversEach()
    {
        var first = await DeadLetterAsync();
        var second = await DeadLetterAsync();
        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync("/console/deliveries?state=DeadLettered");

        await page.CheckAsync($"input[name=ids][value='{first.Id}']");
        await page.CheckAsync($"input[name=ids][value='{second.Id}']");
        await ConsoleFixture.ScreenshotAsync(page, "deliveries");
        await page.ClickAsync("#replay-selected");

        Assert.Equal("Replay 2 dead letter(s)?", await page.TextContentAsync("#confirm-count"));
        await ConsoleFixture.ScreenshotAsync(page, "replay-confirm");
        AcceptCreate(first.Situation);
        AcceptCreate(second.Situation);
        await page.ClickAsync("#confirm-replay");
        await page.WaitForURLAsync("**/console/deliveries?state=DeadLettered&replayed=2");

        Assert.Equal("2 dead letter(s) queued again.", await page.TextContentAsync("[role=status]"));
        using var admin = fixture.Client(TestSettings.AdminClient, TestSettings.AdminSecret);
        Assert.Equal("Delivered", (await Polling.WaitForDeliveryAsync(admin, first.Id)).GetProperty("state").GetString());
        Assert.Equal("Delivered", (await Polling.WaitForDeliveryAsync(admin, second.Id)).GetProperty("state").GetString());
        var audit = fixture.Factory.Logs.Lines.Where(m => m.Contains("ConsoleAudit", StringComparison.Ordinal)).ToList();
        Assert.True(audit.Any(m => m.Contains($"Console: \"{TestSettings.AdminClient}\" replayed 2 dead letter(s) (\"selected\"): \"{first.Id}, {second.Id}\"", StringComparison.Ordinal)),
            string.Join(Environment.NewLine, audit));
        Assert.Empty(fixture.BrowserErrors);
    }

    [Fact]
    public async Task ReplayingTheDeadLettersOfAFilter_StatesTheirCount()
    {
        var (situation, id) = await DeadLetterAsync();
        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync($"/console/deliveries?situation={situation}");

        Assert.Equal("Replay all 1 dead letter(s) of this filter", await page.TextContentAsync("#replay-filter"));
        await page.ClickAsync("#replay-filter");
        Assert.Equal("Replay 1 dead letter(s)?", await page.TextContentAsync("#confirm-count"));
        AcceptCreate(situation);
        await page.ClickAsync("#confirm-replay");
        await page.WaitForURLAsync($"**/console/deliveries?situation={situation}&replayed=1");

        using var admin = fixture.Client(TestSettings.AdminClient, TestSettings.AdminSecret);
        Assert.Equal("Delivered", (await Polling.WaitForDeliveryAsync(admin, id)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task ThePlayground_ShowsAnErrorAtItsJsonPathAsYouType_ThenACorrectPreview_AndSavesWithIfMatch()
    {
        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync("/console/playground");

        await page.FillAsync("#mapping", BrokenMapping);
        var path = page.Locator("#mapping-errors code.path");
        await path.WaitForAsync();
        Assert.Equal("structure.request.urgency", await path.TextContentAsync());
        Assert.Contains("switchUrgncy", await page.TextContentAsync("#mapping-errors"), StringComparison.Ordinal);
        await ConsoleFixture.ScreenshotAsync(page, "playground-error");

        await page.FillAsync("#mapping", FixedMapping);
        await page.Locator("#mapping-errors .valid").WaitForAsync();
        await page.SelectOptionAsync("#sample", "created");
        await page.SelectOptionAsync("#subscription", Subscription);
        await page.ClickAsync("#preview");

        Assert.Equal($"{fixture.ServiceNow.Url}{ServiceNowStubs.IncidentPath}", await page.TextContentAsync("#preview-url"));
        Assert.Equal("POST", await page.TextContentAsync("#preview-result code.method"));
        Assert.Contains("\"urgency\": \"1\"", await page.TextContentAsync("#preview-body"), StringComparison.Ordinal);
        Assert.Contains("\"externalNumber\": \"INC0010002\"", await page.TextContentAsync("#preview-response"), StringComparison.Ordinal);
        await ConsoleFixture.ScreenshotAsync(page, "playground");

        var name = $"console-{Guid.NewGuid():N}"[..20];
        await page.FillAsync("#name", name);
        await page.ClickAsync("#save");
        Assert.StartsWith($"Saved '{name}' as version 1", await page.TextContentAsync("[role=status]"), StringComparison.Ordinal);
        await page.ClickAsync("#save");
        Assert.StartsWith($"Saved '{name}' as version 2", await page.TextContentAsync("[role=status]"), StringComparison.Ordinal);

        // Someone else saves over the API: the page's version no longer matches, and nothing is overwritten.
        using var admin = fixture.Client(TestSettings.AdminClient, TestSettings.AdminSecret);
        var put = await admin.PutAsync($"/api/v1/mappings/{name}", new StringContent(FixedMapping, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var stale = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#save"), r => r.Request.Method == "POST");
        Assert.Equal(412, stale.Status);
        Assert.Contains("was changed by someone else", await page.TextContentAsync("[role=alert]"), StringComparison.Ordinal);
        Assert.Empty(fixture.BrowserErrors);
    }

    [Fact]
    public async Task TestConnection_SaysAWorkingDestinationIsReachableWithItsCredentialsAccepted_AndAnUntrustedCertificateIsNotTrusted()
    {
        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync("/console/destinations");

        await page.ClickAsync("#test-servicenow");
        var result = await page.TextContentAsync("#test-result");
        Assert.Contains("servicenow is reachable and the credentials were accepted.", result, StringComparison.Ordinal);
        Assert.Contains($"GET {fixture.ServiceNow.Url}{ServiceNowStubs.IncidentPath}?sysparm_limit=1", result, StringComparison.Ordinal);
        Assert.Contains("Look-up before a create: works (by correlation_id)", result, StringComparison.Ordinal);
        Assert.Contains("***", await page.TextContentAsync("#destination-servicenow + dl"), StringComparison.Ordinal);
        Assert.DoesNotContain(TestSettings.ServiceNowPassword, await page.ContentAsync(), StringComparison.Ordinal);

        await page.ClickAsync($"#test-{ConsoleFixture.UntrustedDestination}");
        result = await page.TextContentAsync("#test-result");
        Assert.Contains("its certificate is not trusted", result, StringComparison.Ordinal);
        Assert.Contains("TLS certificate trusted: no", result, StringComparison.Ordinal);
        await ConsoleFixture.ScreenshotAsync(page, "destinations");
        Assert.Empty(fixture.BrowserErrors);

        using var admin = fixture.Client(TestSettings.AdminClient, TestSettings.AdminSecret);
        var working = await admin.PostAsync("/api/v1/destinations/servicenow/test", null);
        var untrusted = await (await admin.PostAsync($"/api/v1/destinations/{ConsoleFixture.UntrustedDestination}/test", null))
            .Content.ReadFromJsonAsync<JsonElement>();
        var unknown = await admin.PostAsync("/api/v1/destinations/nowhere/test", null);
        var jira = await (await admin.PostAsync("/api/v1/destinations/jira/test", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, working.StatusCode);
        var answer = await working.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(answer.GetProperty("reachable").GetBoolean());
        Assert.True(answer.GetProperty("credentialsAccepted").GetBoolean());
        Assert.True(untrusted.GetProperty("reachable").GetBoolean());
        Assert.False(untrusted.GetProperty("tlsTrusted").GetBoolean());
        Assert.Contains("is not trusted", untrusted.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal($"GET {fixture.ServiceNow.Url}/jira/rest/api/2/myself", jira.GetProperty("call").GetString());
        Assert.True(jira.GetProperty("reachable").GetBoolean());
        Assert.False(jira.GetProperty("credentialsAccepted").GetBoolean());
        Assert.StartsWith("jira is reachable, but it refused the credentials (401)", jira.GetProperty("summary").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheApi_StillAnswers401ProblemJson_NeverARedirect_AndConsolePostsWithoutAToken_AreRefused()
    {
        using var anonymous = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        })
        { BaseAddress = fixture.BaseAddress };
        using var events = fixture.Client(TestSettings.EventsClient, TestSettings.EventsSecret);

        var api = await anonymous.GetAsync("/api/v1/deliveries");
        var eventsOnApi = await events.PostAsync("/api/v1/destinations/servicenow/test", null);
        var console = await anonymous.GetAsync("/console/deliveries");
        var login = await anonymous.GetAsync("/console/login");
        var forged = await anonymous.PostAsync("/console/login",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["client"] = TestSettings.AdminClient, ["secret"] = TestSettings.AdminSecret }));

        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        Assert.Null(api.Headers.Location);
        Assert.Equal(HttpStatusCode.Forbidden, eventsOnApi.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, console.StatusCode);
        Assert.Equal("/console/login?returnUrl=%2Fconsole%2Fdeliveries", console.Headers.Location?.PathAndQuery);
        var policy = string.Join(' ', login.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.Equal("DENY", login.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.DoesNotContain(forged.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("bridge-console=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AReturnUrlWithALineBreak_IsRefusedLikeAnyOtherBadOne_AndTheSignInLandsOnTheStartPage()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/console/login?returnUrl=%2Fconsole%2Fdeliveries");
        // What a crafted link puts into the form: a header after a line break.
        await page.EvaluateAsync("() => document.querySelector('input[name=returnUrl]').value = '/console/deliveries\\r\\nX-Injected: 1'");
        await page.FillAsync("#client", TestSettings.AdminClient);
        await page.FillAsync("#secret", TestSettings.AdminSecret);

        var response = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("button[type=submit]"),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/console/login", StringComparison.Ordinal));
        await page.WaitForURLAsync("**/console");

        Assert.Equal(302, response.Status);
        Assert.Equal("Overview", await page.TextContentAsync("h1"));
        Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "bridge-console");
    }

    [Fact]
    public async Task SigningOut_EndsTheSession_ForACopyOfItsCookieInAnotherBrowser()
    {
        var page = await fixture.SignedInPageAsync();
        var session = (await page.Context.CookiesAsync()).Single(c => c.Name == "bridge-console");
        var copy = await fixture.NewPageAsync();
        await copy.Context.AddCookiesAsync([new Microsoft.Playwright.Cookie
        {
            Name = session.Name, Value = session.Value, Domain = session.Domain, Path = session.Path,
            Secure = true, HttpOnly = true, SameSite = SameSiteAttribute.Strict,
        }]);
        await copy.GotoAsync("/console/deliveries");
        Assert.Equal("Deliveries", await copy.TextContentAsync("h1"));

        await page.ClickAsync("text=Sign out");
        await page.WaitForURLAsync("**/console/login");
        await copy.GotoAsync("/console/deliveries");

        Assert.Contains("/console/login", copy.Url, StringComparison.Ordinal);
        Assert.Contains(fixture.Factory.Logs.Lines, l => l.Contains("signed out", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A created event that ServiceNow refuses for good (a data policy): dead-lettered at once.</summary>
    private async Task<(string Situation, long Id)> DeadLetterAsync()
    {
        var situation = Events.NewSituationId();
        fixture.ServiceNow.Given(Request.Create().WithPath(ServiceNowStubs.IncidentPath).UsingPost().WithBody(new WildcardMatcher($"*{situation}*")))
            .WithGuid(RefusalOf(situation))
            .RespondWith(Response.Create().WithStatusCode(403).WithHeader("Content-Type", "application/json")
                .WithBody("""{"error":{"message":"Operation Failed","detail":"Data Policy Exception: The following fields are mandatory: Caller"},"status":"failure"}"""));
        using var events = fixture.Client(TestSettings.EventsClient, TestSettings.EventsSecret);

        var refused = await events.PostEventAsync(Subscription, Events.Message("created", situation));

        Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        return (situation, (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deliveryId").GetInt64());
    }

    /// <summary>The operator fixed the cause: ServiceNow now creates the situation's incident. Returns its number.</summary>
    private string AcceptCreate(string situation)
    {
        fixture.ServiceNow.DeleteMapping(RefusalOf(situation));
        var number = $"INC{Random.Shared.Next(1_000_000, 9_999_999)}";
        var sysId = Guid.NewGuid().ToString("N");
        fixture.ServiceNow.Given(Request.Create().WithPath(ServiceNowStubs.IncidentPath).UsingPost().WithBody(new WildcardMatcher($"*{situation}*")))
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody(new JsonObject { ["result"] = new JsonObject { ["sys_id"] = sysId, ["number"] = number, ["state"] = "1" } }.ToJsonString()));
        return number;
    }

    private static Guid RefusalOf(string situation) => Guid.Parse(situation);

    private static async Task WaitForStateAsync(IPage page, string state)
    {
        await Polling.WaitUntilAsync(async () =>
        {
            await page.ReloadAsync();
            return await page.TextContentAsync("#delivery-state") == state;
        }, $"the delivery page shows {state}");
    }
}
