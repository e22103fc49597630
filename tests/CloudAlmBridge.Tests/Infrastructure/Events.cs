using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace CloudAlmBridge.Tests.Infrastructure;

/// <summary>The shared Cloud ALM sample messages, each with a situation id of the test's own.</summary>
public static class Events
{
    public static string NewSituationId() => Guid.NewGuid().ToString();

    /// <summary>
    /// situation-created.json, situation-updated.json, ... with <paramref name="situationId"/> as resource id. Their
    /// times are Cloud ALM's sample times, long past: far outside <c>Bridge:Lifecycle:LookupSkipWindow</c>, so each of
    /// their creates is looked up first (<see cref="Started"/> makes a situation that started now).
    /// </summary>
    public static JsonObject Message(string name, string situationId)
    {
        var message = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "events", $"situation-{name}.json")))!.AsObject();
        message["resourceId"] = situationId;
        message["resource"]!["id"] = situationId;
        return message;
    }

    /// <summary>The sample message of a situation that started (and last changed) at <paramref name="start"/>, as Cloud ALM sends a new one.</summary>
    public static JsonObject Started(string name, string situationId, DateTimeOffset start)
    {
        var message = Message(name, situationId);
        var time = start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var property in new[] { "startTime", "updateTime", "timestamp" })
        {
            message["resource"]![property] = time;
        }

        return message;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    public static Task<HttpResponseMessage> PostEventAsync(this HttpClient client, string subscription, JsonObject message) =>
        client.PostAsync($"/api/v1/events/{subscription}", Json(message.ToJsonString()));
}
