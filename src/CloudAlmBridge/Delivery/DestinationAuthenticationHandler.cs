using System.Net.Http.Headers;
using System.Text;
using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Delivery;

/// <summary>
/// Signs each attempt for its destination. It sits inside the retry handler, so every retry is signed afresh.
/// </summary>
internal sealed class DestinationAuthenticationHandler(OAuthTokenCache tokens) : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<DestinationOptions> DestinationKey = new("CloudAlmBridge.Destination");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(DestinationKey, out var oauth)
            && string.Equals(oauth.Authentication.Type, DestinationAuthenticationOptions.OAuth2ClientCredentials, StringComparison.OrdinalIgnoreCase))
        {
            var token = await tokens.GetTokenAsync(oauth.Authentication, rejected: null, cancellationToken);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode != System.Net.HttpStatusCode.Unauthorized)
            {
                return response;
            }

            // Revoked or expired early: one fresh token and one more try, never a loop.
            response.Dispose();
            token = await tokens.GetTokenAsync(oauth.Authentication, rejected: token, cancellationToken);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return await base.SendAsync(request, cancellationToken);
        }


        if (request.Options.TryGetValue(DestinationKey, out var destination))
        {
            var authentication = destination.Authentication;
            if (string.Equals(authentication.Type, DestinationAuthenticationOptions.Basic, StringComparison.OrdinalIgnoreCase))
            {
                var credentials = Encoding.UTF8.GetBytes($"{authentication.User}:{authentication.Password}");
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(credentials));
            }
            else if (string.Equals(authentication.Type, DestinationAuthenticationOptions.ApiKeyHeader, StringComparison.OrdinalIgnoreCase))
            {
                // What Cloud ALM itself cannot send (ServiceNow's x-sn-apikey, for one).
                request.Headers.Remove(authentication.HeaderName!);
                request.Headers.TryAddWithoutValidation(authentication.HeaderName!, authentication.HeaderValue);
            }
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
