using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Delivery;

/// <summary>One call to a ticket system: a mapped operation with its absolute URL and body.</summary>
internal sealed record TicketRequest(ResolvedWebhook Webhook, string Method, string Url, byte[]? Body);
