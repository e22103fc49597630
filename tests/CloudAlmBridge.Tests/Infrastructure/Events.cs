using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace CloudAlmBridge.Tests.Infrastructure;

/// <summary>The shared Cloud ALM sample messages, each with a situation id of the test's own.</summary>
public static class Events
{
    public static string NewSituationId() => Guid.NewGuid().ToString();

    /// <summary>situation-created.json, situation-updated.json, ... with <paramref name="situationId"/> as resource id.</summary>
    public static JsonObject Message(string name, string situationId)
    {
        var message = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "events", $"situation-{name}.json")))!.AsObject();
        message["resourceId"] = situationId;
        message["resource"]!["id"] = situationId;
        return message;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    public static Task<HttpResponseMessage> PostEventAsync(this HttpClient client, string subscription, JsonObject message) =>
        client.PostAsync($"/api/v1/events/{subscription}", Json(message.ToJsonString()));
}
