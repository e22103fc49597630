using System.Net.Http.Headers;
using System.Text;
using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Delivery;

/// <summary>
/// Signs each attempt for its destination. It sits inside the retry handler, so every retry is signed afresh.
/// </summary>
internal sealed class DestinationAuthenticationHandler : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<DestinationOptions> DestinationKey = new("CloudAlmBridge.Destination");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(DestinationKey, out var destination)
            && string.Equals(destination.Authentication.Type, DestinationAuthenticationOptions.Basic, StringComparison.OrdinalIgnoreCase))
        {
            var credentials = Encoding.UTF8.GetBytes($"{destination.Authentication.User}:{destination.Authentication.Password}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(credentials));
        }

        return base.SendAsync(request, cancellationToken);
    }
}
