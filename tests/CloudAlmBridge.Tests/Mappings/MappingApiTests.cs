using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Mappings;

/// <summary>docs/api.md §4: the mapping management API, every status code, and mappings surviving a restart.</summary>
public sealed class MappingApiTests(ServiceNowBridgeFixture bridge) : IClassFixture<ServiceNowBridgeFixture>
{
    private const string SimpleMapping = """
        {
          "structure": { "request": { "short_description": "#{subject}" }, "response": { "externalNumber": "#{number}" } },
          "eventTypeMapping": { "operationMappings": [
            { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST", "responseRoot": "result", "externalIdProperty": "/sys_id" }
          ] }
        }
        """;

    [Fact]
    public async Task List_ShowsBuiltInConfigurationAndApiMappings()
    {
        using var client = bridge.AdminClient();
        await PutAsync(client, "listed-mapping", SimpleMapping);

        var list = (await client.GetFromJsonAsync<JsonElement>("/api/v1/mappings")).EnumerateArray().ToList();

        string Origin(string name) => list.Single(m => m.GetProperty("name").GetString() == name).GetProperty("origin").GetString()!;
        Assert.Equal("builtin", Origin("servicenow-incident"));
        Assert.Equal("builtin", Origin("servicenow-case"));
        Assert.Equal("builtin", Origin("jira-issue"));
        Assert.Equal("configuration", Origin("sap-document-approval"));
        Assert.Equal("api", Origin("listed-mapping"));
        var builtIn = list.Single(m => m.GetProperty("name").GetString() == "servicenow-incident");
        Assert.Equal(1, builtIn.GetProperty("version").GetInt64());
        Assert.Equal("CALM Event Situation to ServiceNow Incident (bridge built-in)", builtIn.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Get_ReturnsTheDocumentAsStored_WithAnETag()
    {
        using var client = bridge.AdminClient();

        var response = await client.GetAsync("/api/v1/mappings/sap-feature-workflow");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal(File.ReadAllText(TestSettings.SapSample("feature-workflow-mapping.json")), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_UnknownMapping_Is404()
    {
        using var client = bridge.AdminClient();

        var response = await client.GetAsync("/api/v1/mappings/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("document-approval-mapping.json")]
    [InlineData("document-approval-mapping-shared-environments.json")]
    [InlineData("feature-workflow-mapping.json")]
    [InlineData("feature-workflow-mapping-shared-environments.json")]
    public async Task Put_AcceptsSapSamplesUnchanged_AndStoresThemByteForByte(string file)
    {
        using var client = bridge.AdminClient();
        var document = File.ReadAllText(TestSettings.SapSample(file));
        var name = $"put-{Path.GetFileNameWithoutExtension(file)}";

        var response = await PutAsync(client, name, document);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/v1/mappings/{name}", response.Headers.Location?.ToString());
        var summary = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("api", summary.GetProperty("origin").GetString());
        Assert.Equal(1, summary.GetProperty("version").GetInt64());
        Assert.Equal(document, await client.GetStringAsync($"/api/v1/mappings/{name}"));
    }

    [Fact]
    public async Task Put_Replacing_IncrementsTheVersion_AndHonoursIfMatch()
    {
        using var client = bridge.AdminClient();
        var created = await PutAsync(client, "versioned", SimpleMapping);
        var firstTag = created.Headers.ETag!.Tag;

        var replaced = await PutAsync(client, "versioned", SimpleMapping.Replace("#{subject}", "[ALM] #{subject}"), ifMatch: firstTag);
        var stale = await PutAsync(client, "versioned", SimpleMapping, ifMatch: firstTag);

        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(2, (await replaced.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64());
        Assert.NotEqual(firstTag, replaced.Headers.ETag!.Tag);
        Assert.StartsWith("\"api-", replaced.Headers.ETag!.Tag, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Contains("[ALM] #{subject}", await client.GetStringAsync("/api/v1/mappings/versioned"));
    }

    [Fact]
    public async Task DeletedAndCreatedAgain_GetsAnETagNeverSeenBefore_SoAStaleIfMatchIs412()
    {
        using var client = bridge.AdminClient();
        var staleTag = (await PutAsync(client, "recreated", SimpleMapping)).Headers.ETag!.Tag;
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/v1/mappings/recreated")).StatusCode);

        var created = await PutAsync(client, "recreated", SimpleMapping);
        var overwrite = await PutAsync(client, "recreated", SimpleMapping.Replace("#{subject}", "[stale] #{subject}"), ifMatch: staleTag);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.NotEqual(staleTag, created.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, overwrite.StatusCode);
        Assert.DoesNotContain("[stale]", await client.GetStringAsync("/api/v1/mappings/recreated"));
    }

    [Fact]
    public async Task Put_APathThatCouldMoveTheCallToAnotherHost_Is400_AndNothingIsStored()
    {
        using var client = bridge.AdminClient();
        var document = SimpleMapping.Replace("\"operation\": \"POST\"", "\"operation\": \"POST\", \"path\": \"@127.0.0.1:9/x/#{id}\"", StringComparison.Ordinal);
        Assert.Contains("@127.0.0.1", document, StringComparison.Ordinal);

        var response = await PutAsync(client, "host-moving", document);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("must start with '/' or '?'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/mappings/host-moving")).StatusCode);
    }

    [Fact]
    public async Task Put_WithIfMatch_ForAMappingThatDoesNotExist_Is412()
    {
        using var client = bridge.AdminClient();

        var response = await PutAsync(client, "never-created", SimpleMapping, ifMatch: "\"api-1\"");

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/mappings/never-created")).StatusCode);
    }

    [Fact]
    public async Task Put_InvalidDocument_Is400_ListingEveryErrorWithItsPath_AndTheStoredVersionStays()
    {
        using var client = bridge.AdminClient();
        await PutAsync(client, "kept", SimpleMapping);

        var response = await PutAsync(client, "kept", """
            { "switches": [ { "name": "severity", "cases": [] } ],
              "structure": { "request": { "urgency": "${SWITCH(sevrity,rating)}", "text": "#{open" } },
              "eventTypeMapping": { "operationMappings": [ { "eventType": "EVENT-SITUATION.CREATED", "operation": "POTS" } ] } }
            """);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(3, errors.Count);
        Assert.Contains("unknown switch 'sevrity' at structure.request.urgency; did you mean 'severity'?", errors);
        Assert.Contains(errors, e => e!.StartsWith("unclosed placeholder '#{open' at structure.request.text", StringComparison.Ordinal));
        Assert.Contains(errors, e => e!.StartsWith("invalid HTTP method 'POTS' at eventTypeMapping.operationMappings[0].operation", StringComparison.Ordinal));
        Assert.Equal(SimpleMapping, await client.GetStringAsync("/api/v1/mappings/kept"));
    }

    [Theory]
    [InlineData("servicenow-incident", "built-in")]
    [InlineData("sap-document-approval", "configuration")]
    public async Task PutAndDelete_OnReadOnlyMappings_Are409(string name, string expected)
    {
        using var client = bridge.AdminClient();

        var put = await PutAsync(client, name, SimpleMapping);
        var delete = await client.DeleteAsync($"/api/v1/mappings/{name}");

        Assert.Equal(HttpStatusCode.Conflict, put.StatusCode);
        Assert.Contains(expected, (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("-leading-dash")]
    public async Task Put_InvalidName_Is400(string name)
    {
        using var client = bridge.AdminClient();

        var response = await PutAsync(client, Uri.EscapeDataString(name), SimpleMapping);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Put_NotJson_Is415()
    {
        using var client = bridge.AdminClient();

        var response = await client.PutAsync("/api/v1/mappings/plain", new StringContent(SimpleMapping, Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/mappings/plain")).StatusCode);
    }

    [Fact]
    public async Task Put_NotJson_WithoutCredentials_Is401()
    {
        using var client = bridge.Factory.CreateClient();

        var response = await client.PutAsync("/api/v1/mappings/plain", new StringContent(SimpleMapping, Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Delete_Is204_ThenTheMappingIsGone()
    {
        using var client = bridge.AdminClient();
        await PutAsync(client, "short-lived", SimpleMapping);

        var deleted = await client.DeleteAsync("/api/v1/mappings/short-lived");
        var again = await client.DeleteAsync("/api/v1/mappings/short-lived");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/mappings/short-lived")).StatusCode);
    }

    [Fact]
    public async Task Delete_WithAStaleIfMatch_Is412()
    {
        using var client = bridge.AdminClient();
        await PutAsync(client, "guarded", SimpleMapping);
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/mappings/guarded");
        request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"api-7\""));

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
    }

    [Fact]
    public async Task Preview_OfTheBuiltIn_ForASubscription_ShowsTheAbsoluteRequestAndTheMappedResponse()
    {
        using var client = bridge.AdminClient();

        var response = await client.PostAsJsonAsync("/api/v1/mappings/servicenow-incident/preview", new JsonObject
        {
            ["message"] = Events.Message("updated", "cd0cb7ea"),
            ["subscription"] = TestSettings.Subscription,
            ["externalId"] = "c537bae6",
            ["response"] = JsonNode.Parse("""{"result":{"sys_id":"c537bae6","number":"INC0010002","state":"2"}}"""),
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(JsonNode.Parse($$"""
            {
              "eventType": "EVENT-SITUATION.UPDATED",
              "request": {
                "method": "PATCH",
                "url": "{{bridge.ServiceNow.Url}}/api/now/table/incident/c537bae6",
                "body": {
                  "urgency": "1",
                  "impact": "1",
                  "work_notes": "Update from SAP Cloud ALM (FATAL): Timestamp: 2026-11-02T08:29:03Z\n\nPing still failing after 15 minutes; rating raised to FATAL"
                }
              },
              "response": { "externalId": "c537bae6", "externalNumber": "INC0010002", "externalStatus": "IN_PROCESS", "displayUrl": null }
            }
            """)!.ToJsonString(), answer.ToJsonString());
    }

    [Fact]
    public async Task Preview_WithoutSubscription_ShowsThePathAlone_NoBodyForGet_AndNoResponse()
    {
        using var client = bridge.AdminClient();

        var answer = await client.PostAsJsonAsync("/api/v1/mappings/servicenow-incident/preview", new JsonObject
        {
            ["message"] = Events.Message("ping", "cd0cb7ea"),
            ["externalId"] = "a b",
        });

        var json = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        Assert.Equal("GET", json["request"]!["method"]!.GetValue<string>());
        Assert.Equal("/a%20b", json["request"]!["url"]!.GetValue<string>());
        Assert.Null(json["request"]!["body"]);
        Assert.Null(json["response"]);
    }

    [Fact]
    public async Task Preview_OfASapSample_WithAWorkflowMessage_GivesTheDocumentsRequest()
    {
        using var client = bridge.AdminClient();
        var message = JsonNode.Parse("""
            {
              "subscriptionId": "sub-1", "resourceType": "FEATURE", "eventType": "WORKFLOW.STARTED", "resourceId": "wf-1",
              "resource": {
                "id": "wf-1", "triggeredBy": "anna@example.com",
                "item": { "id": "F-7", "universalId": "u-7", "statusName": "In Review", "targetStatusName": "Approved",
                          "priorityName": "High", "projectName": "S/4 Move", "title": "Cut-over", "responsibleId": "rita@example.com" }
              }
            }
            """);

        var response = await client.PostAsJsonAsync("/api/v1/mappings/sap-feature-workflow-shared/preview", new JsonObject
        {
            ["message"] = message,
            ["userVariables"] = new JsonObject { ["workflowDefinitionId"] = "eu10.calm.feature", ["workflowEnvironmentId"] = "env 1" },
            ["cloudAlmUrl"] = "https://acme.eu10.alm.cloud.sap",
            ["response"] = JsonNode.Parse("""{"id":"bpa-42","status":"RUNNING"}"""),
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        // Written out by hand from feature-workflow-mapping-shared-environments.json.
        Assert.Equal(JsonNode.Parse("""
            {
              "eventType": "WORKFLOW.STARTED",
              "request": {
                "method": "POST",
                "url": "/?environmentId=env%201",
                "body": {
                  "definitionId": "eu10.calm.feature",
                  "context": {
                    "featureId": "F-7",
                    "linkToFeature": "https://acme.eu10.alm.cloud.sap/launchpad#feature-display?sap-ui-app-id-hint=com.sap.calm.imp.cdm.features.ui&/list/details/u-7",
                    "statusName": "In Review",
                    "targetStatusName": "Approved",
                    "priority": "High",
                    "projectName": "S/4 Move",
                    "featureTitle": "Cut-over",
                    "universalId": "u-7",
                    "responsibleId": "rita@example.com",
                    "triggeredBy": "anna@example.com",
                    "toBeReviewedBy": [ "rita@example.com" ]
                  }
                }
              },
              "response": { "externalId": "bpa-42", "externalNumber": null, "externalStatus": null, "displayUrl": null,
                            "externalResourceId": "bpa-42", "externalResourceStatus": "STARTED" }
            }
            """)!.ToJsonString(), answer.ToJsonString());
    }

    [Fact]
    public async Task Preview_ForAnEventTypeTheMappingLacks_Is422()
    {
        using var client = bridge.AdminClient();

        var response = await client.PostAsJsonAsync("/api/v1/mappings/sap-document-approval/preview",
            new JsonObject { ["message"] = Events.Message("created", "s-1") });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("EVENT-SITUATION.CREATED", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Preview_WithAnInvalidMessageOrUnknownSubscription_Is400()
    {
        using var client = bridge.AdminClient();

        var invalid = await client.PostAsJsonAsync("/api/v1/mappings/servicenow-incident/preview",
            new JsonObject { ["message"] = new JsonObject { ["eventType"] = "EVENT-SITUATION.CREATED" } });
        var unknown = await client.PostAsJsonAsync("/api/v1/mappings/servicenow-incident/preview",
            new JsonObject { ["message"] = Events.Message("created", "s-1"), ["subscription"] = "nope" });

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("message.resource: required, a JSON object (the event situation)",
            (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    [Theory]
    [InlineData("""{"message": MESSAGE, "response": {"result": {"number": "\ud800"}}}""", "response.result.number: a string holds an escape that is not valid Unicode")]
    [InlineData("""{"message": MESSAGE, "userVariables": {"closeCode": 7}}""", "userVariables.closeCode: not of the expected type")]
    [InlineData("""{"message": MESSAGE, "externalId": ["x"]}""", "externalId: not of the expected type")]
    [InlineData("""[1, 2]""", "the body must be a JSON object")]
    [InlineData("""{"message": MESSAGE""", "the body is not valid JSON")]
    [InlineData("""{}""", "message: required")]
    public async Task Preview_OfAHostileBody_Is400_NamingWhereItIsWrong(string body, string expected)
    {
        using var client = bridge.AdminClient();
        var json = body.Replace("MESSAGE", Events.Message("created", "s-1").ToJsonString(), StringComparison.Ordinal);

        var response = await client.PostAsync("/api/v1/mappings/servicenow-incident/preview", Events.Json(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().Select(e => e.GetString());
        Assert.Contains(errors, e => e!.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Put_WithALoneSurrogate_Is400_AndNothingIsStored()
    {
        using var client = bridge.AdminClient();

        var response = await client.PutAsync("/api/v1/mappings/surrogate", Events.Json("""{"_information": {"_name": "\udc00"}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().Select(e => e.GetString());
        Assert.Contains("_information._name: a string holds an escape that is not valid Unicode (a lone surrogate)", errors);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/mappings/surrogate")).StatusCode);
    }

    [Fact]
    public async Task Preview_OfAnUnknownMapping_Is404()
    {
        using var client = bridge.AdminClient();

        var response = await client.PostAsJsonAsync("/api/v1/mappings/nothing-here/preview", new JsonObject { ["message"] = Events.Message("created", "s-1") });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task InlinePreview_EvaluatesTheGivenDocument_OrListsItsErrors()
    {
        using var client = bridge.AdminClient();

        var ok = await client.PostAsJsonAsync("/api/v1/mappings/preview", new JsonObject
        {
            ["mapping"] = JsonNode.Parse(SimpleMapping),
            ["message"] = Events.Message("created", "s-1"),
        });
        var broken = await client.PostAsJsonAsync("/api/v1/mappings/preview", new JsonObject
        {
            ["mapping"] = JsonNode.Parse("""{ "eventTypeMapping": { "operationMappings": [ { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST", "path": "/#{x" } ] } }"""),
            ["message"] = Events.Message("created", "s-1"),
        });
        var missing = await client.PostAsJsonAsync("/api/v1/mappings/preview", new JsonObject { ["message"] = Events.Message("created", "s-1") });

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("Ping failed to service S4H",
            (await ok.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("request").GetProperty("body").GetProperty("short_description").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Contains(
            (await broken.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().Select(e => e.GetString()),
            e => e!.StartsWith("mapping.unclosed placeholder '#{x' at eventTypeMapping.operationMappings[0].path", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/api/v1/mappings")]
    [InlineData("GET", "/api/v1/mappings/servicenow-incident")]
    [InlineData("PUT", "/api/v1/mappings/x")]
    [InlineData("DELETE", "/api/v1/mappings/x")]
    [InlineData("POST", "/api/v1/mappings/preview")]
    public async Task MappingRoutes_NeedTheAdminRole(string method, string route)
    {
        using var anonymous = bridge.Factory.CreateClient();
        using var events = bridge.EventsClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), route))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await events.SendAsync(new HttpRequestMessage(new HttpMethod(method), route))).StatusCode);
    }

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, string name, string document, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/mappings/{name}")
        {
            Content = new StringContent(document, Encoding.UTF8, "application/json"),
        };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(ifMatch));
        }

        return client.SendAsync(request);
    }
}
