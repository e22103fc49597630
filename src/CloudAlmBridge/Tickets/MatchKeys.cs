using System.Text.Json;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Mapping;

namespace CloudAlmBridge.Tickets;

/// <summary>
/// A situation's match key: what tells that two situations are about the same thing, kept with its link
/// (<c>ticket_links.match_key</c>). A reopen compares it with the keys of tickets the bridge resolved. Without a key
/// of the subscription's own, it is the situation's service and event: <see cref="Default"/> (a flapping check raises
/// a new situation each round, with the same service, use case and event name). A grouping key configured per
/// subscription is meant to take its place here, written in the same placeholders.
/// </summary>
internal static class MatchKeys
{
    /// <summary>The service (<c>serviceId</c>), the use case (<c>eventType</c>, e.g. <c>CALM.HM</c>) and the event (<c>eventName</c>).</summary>
    public const string Default = "#{serviceId}|#{eventType}|#{eventName}";

    private static readonly KeyTemplate DefaultTemplate = KeyTemplate.Compile(Default, "matchKey", out _)
        ?? throw new InvalidOperationException("The default match key does not compile.");

    /// <summary>The key template in force for the subscription.</summary>
    public static KeyTemplate For(ResolvedSubscription subscription) => DefaultTemplate;

    /// <summary>The situation's key, or null when its message lacks one of the key's attributes (then it matches nothing).</summary>
    public static string? Of(ResolvedSubscription subscription, JsonElement resource) =>
        resource.ValueKind == JsonValueKind.Object ? For(subscription).Render(new MappingContext(resource)) : null;
}
