using System.Net.Http.Headers;
using System.Text;
using CloudAlmBridge.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace CloudAlmBridge.Tests.Security;

/// <summary>
/// Hostile bodies on the Cloud ALM route: malformed, truncated, huge, deeply nested, wrong types, invalid UTF-8.
/// Never a 500, and an input that was refused is never stored. The seed is fixed, so a failure reproduces.
/// </summary>
public sealed class EventRouteFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int Categories = 10;
    private const int Iterations = 60 * Categories;
    private readonly IsolatedServiceNow _isolated = new();

    [Fact]
    public async Task HostileBodies_NeverGive500_AndRefusedOnesAreNeverStored()
    {
        var settings = _isolated.Settings();
        settings["Bridge:Security:PermitsPerMinute"] = "100000";
        settings["Bridge:Inbound:WaitForDeliverySeconds"] = "0";
        using var factory = new BridgeFactory(settings);
        using var client = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        _isolated.ServiceNow.AnswersLookup();
        _isolated.ServiceNow.AnswersCreate("mmm111", "INC0060001");
        var seed = Encoding.UTF8.GetBytes(Events.Message("created", "fuzz-situation").ToJsonString());
        var random = new Random(1124);
        var statuses = new SortedDictionary<int, int>();
        var accepted = 0;

        // The store itself is read, not the API: a refused input must leave no delivery behind. (Tickets are written
        // later, by the dispatcher, for accepted deliveries; they are checked once at the end.)
        using var store = new SqliteConnection(settings["Bridge:Storage:ConnectionString"]);
        store.Open();

        for (var i = 0; i < Iterations; i++)
        {
            var body = Generate(seed, random, i);
            var rowsBefore = CountRows(store);
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync($"/api/v1/events/{TestSettings.Subscription}", content);

            var status = (int)response.StatusCode;
            var shown = Encoding.UTF8.GetString(body[..Math.Min(body.Length, 300)]);
            Assert.True(status < 500, $"input #{i} got {status}: {shown}");
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (response.IsSuccessStatusCode)
            {
                accepted++;
                continue;
            }

            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True(rowsBefore == CountRows(store), $"input #{i} was refused with {status} but left a delivery in the store: {shown}");
        }

        var stored = CountRows(store);
        output.WriteLine($"{Iterations} hostile bodies: {accepted} accepted, {stored} deliveries stored; answers: "
            + string.Join(", ", statuses.Select(s => $"{s.Key} x{s.Value}")));
        Assert.True(statuses.GetValueOrDefault(400) > Iterations / 2, string.Join(", ", statuses));
        Assert.True(statuses.GetValueOrDefault(413) >= Iterations / Categories, string.Join(", ", statuses));

        // Accepted inputs are the few that mutation left valid; duplicates of them are answered, not stored again.
        Assert.True(stored <= accepted, $"{stored} deliveries stored for {accepted} accepted inputs");
        Assert.Equal(0, CountTicketsWithoutADelivery(store));
    }

    private static long CountRows(SqliteConnection store)
    {
        using var command = store.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM inbox";
        return (long)command.ExecuteScalar()!;
    }

    private static long CountTicketsWithoutADelivery(SqliteConnection store)
    {
        using var command = store.CreateCommand();
        command.CommandText = """
            SELECT COUNT(*) FROM ticket_links l
            WHERE NOT EXISTS (SELECT 1 FROM inbox d WHERE d.subscription = l.subscription AND d.situation_id = l.situation_id)
            """;
        return (long)command.ExecuteScalar()!;
    }

    private static byte[] Generate(byte[] seed, Random random, int i) => (i % Categories) switch
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

        // Valid JSON that is not an object: an array, a number, a string, null.
        7 => Encoding.UTF8.GetBytes(random.Next(4) switch { 0 => "[]", 1 => "42", 2 => "\"EVENT-SITUATION.CREATED\"", _ => "null" }),

        // A valid message with an overlong (so invalid) UTF-8 sequence spliced into its middle.
        8 => [.. seed[..(seed.Length / 2)], 0xE0, 0x80, 0x80, .. seed[(seed.Length / 2)..]],

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
