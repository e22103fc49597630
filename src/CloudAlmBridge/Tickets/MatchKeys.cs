using System.Collections.Concurrent;
using System.Text.Json;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Mapping;

namespace CloudAlmBridge.Tickets;

/// <summary>
/// A situation's match key: what tells that two situations are about the same thing, kept with its link
/// (<c>ticket_links.match_key</c>). A reopen compares it with the keys of tickets the bridge resolved. Without a key
/// of the subscription's own, it is the situation's service and event: <see cref="Default"/> (a flapping check raises
/// a new situation each round, with the same service, use case and event name). A subscription that groups
/// (<c>Grouping:Key</c>) matches on its grouping key instead: a group's ticket is what a later situation of the key
/// joins, or reopens once it is resolved.
/// </summary>
internal static class MatchKeys
{
    /// <summary>The service (<c>serviceId</c>), the use case (<c>eventType</c>, e.g. <c>CALM.HM</c>) and the event (<c>eventName</c>).</summary>
    public const string Default = "#{serviceId}|#{eventType}|#{eventName}";

    private static readonly KeyTemplate DefaultTemplate = KeyTemplate.Compile(Default, "matchKey", out _)
        ?? throw new InvalidOperationException("The default match key does not compile.");

    /// <summary>Grouping keys compiled once per text (the rules refused those that do not compile).</summary>
    private static readonly ConcurrentDictionary<string, KeyTemplate> GroupingTemplates = new(StringComparer.Ordinal);

    /// <summary>The key template in force for the subscription: its grouping key when it groups, else <see cref="Default"/>.</summary>
    public static KeyTemplate For(ResolvedSubscription subscription) =>
        subscription.Options.Grouping is { IsOn: true, Key: { } key }
            ? GroupingTemplates.GetOrAdd(key, text => KeyTemplate.Compile(text, "Grouping:Key", out _)
                ?? throw new InvalidOperationException($"The grouping key '{text}' of subscription '{subscription.Name}' does not compile."))
            : DefaultTemplate;

    /// <summary>The situation's key, or null when its message lacks one of the key's attributes (then it matches nothing).</summary>
    public static string? Of(ResolvedSubscription subscription, JsonElement resource) =>
        resource.ValueKind == JsonValueKind.Object ? For(subscription).Render(new MappingContext(resource)) : null;
}
