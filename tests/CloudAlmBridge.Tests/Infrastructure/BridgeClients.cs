using System.Net.Http.Headers;
using System.Text;

namespace CloudAlmBridge.Tests.Infrastructure;

public static class BridgeClients
{
    /// <summary>A client that authenticates as a bridge client, as Cloud ALM's BTP destination does (HTTP Basic).</summary>
    public static HttpClient CreateClient(this BridgeFactory factory, string user, string secret)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));
        return client;
    }
}
