using CloudAlmBridge.Configuration;
using CloudAlmBridge.Delivery;
using CloudAlmBridge.Mapping;
using CloudAlmBridge.Mappings;
using CloudAlmBridge.Outbox;
using CloudAlmBridge.TicketSystems;

namespace CloudAlmBridge.Console;

// What the pages show: public records of public types only, because Razor components are public classes.

public sealed record StateCount(string State, long Count);

public sealed record OverviewModel(long QueueDepth, long DeadLetters, IReadOnlyList<StateCount> LastHour, IReadOnlyList<StateCount> LastDay,
    IReadOnlyList<DestinationHealthView> Destinations, long Held = 0)
{
    /// <summary>When the counts by state were read (they are read at most every 15 s).</summary>
    public DateTimeOffset CountedAt { get; init; }

    /// <summary>Each readiness check with its description, as <c>/health/ready</c> answers an admin.</summary>
    public IReadOnlyList<ReadinessView> Readiness { get; init; } = [];
}

/// <summary>One readiness check: its name, status (Healthy, Degraded, Unhealthy) and what it says.</summary>
public sealed record ReadinessView(string Name, string Status, string? Description);

/// <summary>The held situations page: every held situation (at most a page of them), longest held first.</summary>
public sealed record HeldModel(IReadOnlyList<CloudAlmBridge.Tickets.HeldSituationView> Items);

/// <summary>
/// A destination's recent calls in this instance: <see cref="Down"/> as <c>bridge_destination_up</c> says it (no
/// answer, a 5xx, a failed TLS handshake), <see cref="Refusing"/> when its last answer was a 4xx (up, but saying no).
/// </summary>
public sealed record DestinationHealthView(string Name, string Url, string Type, DateTimeOffset? LastSuccess, DateTimeOffset? LastFailure,
    string? LastFailureMessage, int ConsecutiveFailures, string? ConfigurationProblem, string? LookupProblem = null,
    DateTimeOffset? LastRefusal = null, string? LastRefusalMessage = null)
{
    public bool Down => ConsecutiveFailures > 0;

    public bool Refusing => !Down && LastRefusal is { } refused && (LastSuccess is null || refused > LastSuccess);
}

public sealed record DeliveryFilter(string? State, string? Subscription, string? Situation, int Page)
{
    /// <summary>The filter as a query string (without the page), for links and for the bulk replay's return.</summary>
    public string Query(int? page = null)
    {
        var parts = new List<string>();
        Add(parts, "state", State);
        Add(parts, "subscription", Subscription);
        Add(parts, "situation", Situation);
        if (page is > 1)
        {
            parts.Add($"page={page}");
        }

        return parts.Count == 0 ? string.Empty : "?" + string.Join('&', parts);
    }

    private static void Add(List<string> parts, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            parts.Add($"{name}={Uri.EscapeDataString(value)}");
        }
    }
}

public sealed record DeliveriesModel(DeliveryFilter Filter, IReadOnlyList<DeliveryView> Items, long Total, int PageSize, long DeadLettersInFilter,
    IReadOnlyList<string> States, IReadOnlyList<string> Subscriptions);

public sealed record DeliveryModel(DeliveryView Delivery, string Message, TicketView? Ticket);

public sealed record ReplayConfirmModel(string Scope, IReadOnlyList<long> Ids, DeliveryFilter Filter, int Count);

public sealed record TicketsModel(string? Subscription, string? Status, int Page, IReadOnlyList<TicketView> Items, bool HasNext,
    IReadOnlyList<string> Subscriptions);

/// <summary>The groups page: each group (<see cref="GroupView"/>) with its members, opener first.</summary>
public sealed record GroupsModel(string? Subscription, bool? Open, int Page, IReadOnlyList<GroupRow> Items, bool HasNext,
    IReadOnlyList<string> Subscriptions);

public sealed record GroupRow(GroupView Group, IReadOnlyList<TicketView> Members);

public sealed record DestinationsModel(IReadOnlyList<DestinationView> Destinations, IReadOnlyList<WebhookView> Webhooks,
    IReadOnlyList<DestinationHealthView> Health, DestinationTestResult? Test);

public sealed record MappingChoice(string Name, string Origin, string ETag);

public sealed record SampleMessage(string Key, string Label, string Json);

/// <summary>The playground's form, as sent back, and what came of it.</summary>
public sealed record PlaygroundModel
{
    public required IReadOnlyList<MappingChoice> Mappings { get; init; }

    public required IReadOnlyList<SampleMessage> Samples { get; init; }

    public required IReadOnlyList<string> Subscriptions { get; init; }

    public string Name { get; init; } = string.Empty;

    /// <summary>The entity tag of the version loaded: sent back as If-Match when saving.</summary>
    public string ETag { get; init; } = string.Empty;

    public string Origin { get; init; } = string.Empty;

    public string Json { get; init; } = string.Empty;

    public string Sample { get; init; } = "created";

    public string Message { get; init; } = string.Empty;

    public string Subscription { get; init; } = string.Empty;

    /// <summary>User variables over the subscription's, one <c>name=value</c> a line.</summary>
    public string Variables { get; init; } = string.Empty;

    public string Response { get; init; } = string.Empty;

    public IReadOnlyList<MappingError> Errors { get; init; } = [];

    public PreviewAnswer? Preview { get; init; }

    public IReadOnlyList<string> Problems { get; init; } = [];

    public string? Saved { get; init; }

    public string? SaveError { get; init; }
}
