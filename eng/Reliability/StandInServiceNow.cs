using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CloudAlmBridge.Reliability;

/// <summary>
/// ServiceNow's incident table in memory, failing on purpose: 503s, 429s with Retry-After, slow answers, and creates
/// whose answer is lost (the incident exists, the answer says 503). It records what a real instance would show:
/// incidents per correlation id and the order in which each incident's updates arrived.
/// </summary>
internal sealed partial class StandInServiceNow(int seed)
{
    private readonly Random _random = new(seed);
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<string, Incident> _bySysId = new();
    private int _number = 10000;

    public IEnumerable<Incident> Incidents => _bySysId.Values;

    public void Map(WebApplication app)
    {
        const string Table = "/api/now/table/incident";
        app.MapPost(Table, (JsonObject body) =>
        {
            var fault = Roll();
            if (fault < 0.06)
            {
                return Results.StatusCode(503);
            }

            if (fault < 0.10)
            {
                return Throttle();
            }

            var incident = Create(body);
            if (fault < 0.14)
            {
                // Made, but the answer is lost: the bridge must find it by correlation id instead of creating again.
                return Results.StatusCode(503);
            }

            return Results.Json(new JsonObject { ["result"] = incident.ToJson() }, statusCode: 201);
        });
        app.MapGet(Table, (string? sysparm_query) =>
        {
            var correlation = sysparm_query?.Split('=', 2) is ["correlation_id", var id] ? id : null;
            var found = _bySysId.Values.Where(i => i.CorrelationId == correlation).OrderBy(i => i.Number).Take(1).Select(i => (JsonNode)i.ToJson());
            return Results.Json(new JsonObject { ["result"] = new JsonArray([.. found]) });
        });
        app.MapGet($"{Table}/{{sysId}}", (string sysId) =>
            _bySysId.TryGetValue(sysId, out var incident)
                ? Results.Json(new JsonObject { ["result"] = incident.ToJson() })
                : Results.NotFound());
        app.MapMethods($"{Table}/{{sysId}}", ["PATCH"], async (string sysId, JsonObject body) =>
        {
            var fault = Roll();
            if (fault < 0.06)
            {
                return Results.StatusCode(503);
            }

            if (fault < 0.09)
            {
                return Throttle();
            }

            if (fault < 0.12)
            {
                await Task.Delay(300);
            }

            if (!_bySysId.TryGetValue(sysId, out var incident))
            {
                return Results.NotFound();
            }

            incident.Apply(body);
            return Results.Json(new JsonObject { ["result"] = incident.ToJson() });
        });
    }

    private static RetryAfter Throttle() => new(Results.Json(
        new JsonObject { ["error"] = new JsonObject { ["message"] = "Rate limit exceeded", ["detail"] = "stand-in throttling" }, ["status"] = "failure" },
        statusCode: 429));

    private double Roll()
    {
        lock (_lock)
        {
            return _random.NextDouble();
        }
    }

    private Incident Create(JsonObject body)
    {
        var incident = new Incident(Guid.NewGuid().ToString("N"), $"INC{Interlocked.Increment(ref _number):D7}",
            body["correlation_id"]?.GetValue<string>() ?? string.Empty);
        incident.Apply(body);
        _bySysId[incident.SysId] = incident;
        return incident;
    }

    /// <summary>429 with <c>Retry-After: 1</c>, as ServiceNow throttles.</summary>
    private sealed class RetryAfter(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = "1";
            return inner.ExecuteAsync(httpContext);
        }
    }

    internal sealed partial class Incident(string sysId, string number, string correlationId)
    {
        private readonly Lock _lock = new();

        public string SysId { get; } = sysId;

        public string Number { get; } = number;

        public string CorrelationId { get; } = correlationId;

        public string State { get; private set; } = "1";

        /// <summary>The sequence numbers of the updates, in the order they arrived (a repeat is a redelivery).</summary>
        public List<int> Updates { get; } = [];

        public void Apply(JsonObject body)
        {
            lock (_lock)
            {
                if (body["work_notes"]?.GetValue<string>() is { } notes && Sequence().Match(notes) is { Success: true } match)
                {
                    Updates.Add(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
                }

                if (body["state"]?.GetValue<string>() is { } state)
                {
                    State = state;
                }
            }
        }

        public JsonObject ToJson() => new() { ["sys_id"] = SysId, ["number"] = Number, ["state"] = State, ["correlation_id"] = CorrelationId };

        [GeneratedRegex(@"seq=(\d+)")]
        private static partial Regex Sequence();
    }
}
