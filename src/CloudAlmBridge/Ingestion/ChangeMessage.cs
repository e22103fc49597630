using System.Text.Json;

namespace CloudAlmBridge.Ingestion;

/// <summary>
/// What Cloud ALM sends (the Resource Changes API's change message). <see cref="Resource"/> stays open: every attribute
/// of the event situation is kept for the mapping, known or not.
/// </summary>
public sealed record ChangeMessage
{
    public string? SubscriptionId { get; init; }

    /// <summary><c>EVENT-SITUATIONS</c> (or <c>EVENT-SITUATION</c>).</summary>
    public required string ResourceType { get; init; }

    /// <summary><c>EVENT-SITUATION.CREATED</c>, <c>.UPDATED</c>, <c>.CLOSED</c>, <c>.DELETED</c> or <c>.PING</c>.</summary>
    public required string EventType { get; init; }

    public string? ResourceId { get; init; }

    /// <summary>The event situation; its <c>id</c> is required.</summary>
    public required JsonElement Resource { get; init; }

    /// <summary>The event situation's id (<c>resource.id</c>): the bridge's <c>externalId</c>.</summary>
    public string SituationId => Resource.GetProperty("id").GetString()!;
}
