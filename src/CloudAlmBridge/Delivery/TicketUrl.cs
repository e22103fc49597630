using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Delivery;

/// <summary>
/// The URL of a call: the webhook's resource URL (destination URL and webhook path) with the operation's rendered path
/// appended. Scheme, host and port are always the destination's: a URL that would leave it is refused before
/// anything is sent (a mapping cannot move the destination's credentials to another host).
/// </summary>
internal static class TicketUrl
{
    public static string Compose(ResolvedWebhook webhook, string renderedPath)
    {
        var url = webhook.ResourceUrl + renderedPath;
        var destination = new Uri(webhook.ResourceUrl);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var composed)
            || !string.Equals(composed.Scheme, destination.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(composed.Authority, destination.Authority, StringComparison.OrdinalIgnoreCase)
            || !string.IsNullOrEmpty(composed.UserInfo))
        {
            throw new DeliveryRefusedException(
                $"the mapping's path '{renderedPath}' would send the call to another host than destination {webhook.DestinationName}; nothing was sent");
        }

        return url;
    }
}
