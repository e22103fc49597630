using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Security;

/// <summary>
/// Hostile bodies on the Cloud ALM route: malformed, truncated, huge, deeply nested, wrong types, invalid UTF-8.
/// Never a 500, and an input that was refused is never stored. The seed is fixed, so a failure reproduces.
/// </summary>
public sealed class EventRouteFuzzTests : IDisposable
{
    private const int Iterations = 600;
    private readonly IsolatedServiceNow _isolated = new();

    [Fact]
    public async Task HostileBodies_NeverGive500_AndRefusedOnesAreNeverStored()
    {
        var settings = _isolated.Settings();
        settings["Bridge:Security:PermitsPerMinute"] = "100000";
        settings["Bridge:Inbound:WaitForDeliverySeconds"] = "0";
        using var factory = new BridgeFactory(settings);
        using var client = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        _isolated.ServiceNow.AnswersLookup();
        _isolated.ServiceNow.AnswersCreate("mmm111", "INC0060001");
        var seed = Encoding.UTF8.GetBytes(Events.Message("created", "fuzz-situation").ToJsonString());
        var random = new Random(1124);
        var statuses = new Dictionary<HttpStatusCode, int>();
        var accepted = 0;

        for (var i = 0; i < Iterations; i++)
        {
            var body = Generate(seed, random, i);
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync($"/api/v1/events/{TestSettings.Subscription}", content);

            Assert.True((int)response.StatusCode < 500, $"input #{i} got {(int)response.StatusCode}: {Encoding.UTF8.GetString(body[..Math.Min(body.Length, 300)])}");
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
            if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.Accepted)
            {
                accepted++;
            }
            else
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        var stored = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/deliveries")).GetArrayLength();
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.BadRequest) > Iterations / 2, string.Join(", ", statuses));

        // Accepted inputs are the few that mutation left valid; duplicates of them are answered, not stored again.
        Assert.True(stored <= accepted, $"{stored} deliveries stored for {accepted} accepted inputs");
        Assert.True(stored <= 50, $"{stored} deliveries stored; expected only the few valid mutations");
    }

    private static byte[] Generate(byte[] seed, Random random, int i) => (i % 8) switch
    {
        // Truncated at a random point.
        0 => seed[..random.Next(seed.Length)],

        // Random bytes flipped, invalid UTF-8 included.
        1 => Flip(seed, random),

        // Deeply nested.
        2 => Encoding.UTF8.GetBytes(new string('[', 500 + random.Next(5000)) + new string(']', 10)),

        // Wrong types for every field.
        3 => Encoding.UTF8.GetBytes($$"""{"subscriptionId":{{random.Next()}},"resourceType":[],"eventType":{"a":1},"resourceId":true,"resource":"{{random.Next()}}"}"""),

        // A resource whose id is not a string.
        4 => Encoding.UTF8.GetBytes("""{"resourceType":"EVENT-SITUATIONS","eventType":"EVENT-SITUATION.CREATED","resource":{"id":""" + random.Next() + "}}"),

        // Huge (over the 1 MiB limit).
        5 => Encoding.UTF8.GetBytes("""{"resourceType":"EVENT-SITUATIONS","eventType":"EVENT-SITUATION.CREATED","resource":{"id":"x","body":" """ + new string('x', (1024 * 1024) + random.Next(1000)) + "\"}}"),

        // Not JSON at all, or invalid UTF-8 sequences.
        6 => random.Next(2) == 0 ? [0xC3, 0x28, 0xA0, 0xA1, 0xFF, 0xFE] : Encoding.UTF8.GetBytes("<xml>nope</xml>"),

        // Unknown event type with unicode and control characters.
        _ => Encoding.UTF8.GetBytes("""{"resourceType":"EVENT-SITUATIONS","eventType":"EVENT-SITUATION.\u0000""" + random.Next() + """\ud83d","resource":{"id":"é\u0001"}}"""),
    };

    private static byte[] Flip(byte[] seed, Random random)
    {
        var copy = (byte[])seed.Clone();
        for (var k = random.Next(1, 6); k > 0; k--)
        {
            copy[random.Next(copy.Length)] = (byte)random.Next(256);
        }

        return copy;
    }

    public void Dispose() => _isolated.Dispose();
}
