using CloudAlmBridge.Configuration;
using CloudAlmBridge.Delivery;

namespace CloudAlmBridge.Tests.Delivery;

/// <summary>
/// Issue 11, item 8: a call's URL keeps the destination's scheme, host and port whatever the rendered path holds; one
/// that would leave it is refused before anything is sent (the mapping's validation refuses most such paths earlier).
/// </summary>
public sealed class TicketUrlTests
{
    private static readonly ResolvedWebhook Webhook = new("tickets", new WebhookOptions { Path = string.Empty, DestinationType = "GENERIC" },
        "acme", new DestinationOptions { Url = "https://acme.example.com" });

    [Theory]
    [InlineData("/x/42", "https://acme.example.com/x/42")]
    [InlineData("?q=1", "https://acme.example.com?q=1")]
    [InlineData("", "https://acme.example.com")]
    [InlineData("/%40evil.example.com", "https://acme.example.com/%40evil.example.com")]
    public void APath_IsAppended_ToTheDestinationsUrl(string path, string expected) =>
        Assert.Equal(expected, TicketUrl.Compose(Webhook, path));

    [Theory]
    [InlineData("@127.0.0.1:9/x")]
    [InlineData(".evil.example.com/x")]
    [InlineData(":8443/x")]
    public void APath_ThatWouldMoveTheCall_IsRefused_NamingTheDestination(string path)
    {
        // The bridge's own refusal, not a ticket system's failure: never retried, never counted against the destination.
        var refused = Assert.Throws<DeliveryRefusedException>(() => TicketUrl.Compose(Webhook, path));

        Assert.Contains("would send the call to another host than destination acme; nothing was sent", refused.Message, StringComparison.Ordinal);
    }
}
