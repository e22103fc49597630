using System.Text.Json;
using System.Text.Json.Serialization;

namespace CloudAlmBridge.Vocabulary;

/// <summary>
/// What Cloud ALM sends: the Resource Changes API's change message. Its <c>resource</c> is the event situation with
/// every attribute Cloud ALM gives it; all of them are kept for the mapping, known or not.
/// </summary>
public sealed record ChangeMessage
{
    /// <summary>The Cloud ALM subscription that sent the message.</summary>
    public string? SubscriptionId { get; init; }

    /// <summary><c>EVENT-SITUATIONS</c> (or <c>EVENT-SITUATION</c>).</summary>
    public required string ResourceType { get; init; }

    /// <summary><c>EVENT-SITUATION.CREATED</c>, <c>.UPDATED</c>, <c>.CLOSED</c>, <c>.DELETED</c> or <c>.PING</c>.</summary>
    public required string EventType { get; init; }

    /// <summary>The event situation's id, as in <c>resource.id</c>.</summary>
    public string? ResourceId { get; init; }

    /// <summary>
    /// The event situation: <c>id</c> (required), <c>subject</c>, <c>body</c>, <c>rating</c> (<c>FATAL</c>,
    /// <c>ERROR</c>, <c>WARNING</c>, <c>INFO</c>), <c>serviceName</c>, <c>workNotes</c>, <c>tags</c> and the rest.
    /// </summary>
    public required JsonElement Resource { get; init; }

    /// <summary>The event situation's id (<c>resource.id</c>): the bridge's <c>externalId</c>. Not on the wire.</summary>
    [JsonIgnore]
    public string SituationId => Resource.GetProperty("id").GetString()!;
}
