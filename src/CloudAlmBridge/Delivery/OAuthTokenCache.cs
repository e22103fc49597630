using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Delivery;

/// <summary>
/// OAuth2 client-credentials tokens per destination: fetched from the token endpoint (a form post, as ServiceNow's
/// <c>/oauth_token.do</c> takes it), kept until shortly before they expire, and fetched once for any number of
/// concurrent calls.
/// </summary>
internal sealed class OAuthTokenCache(IHttpClientFactory httpClientFactory, TimeProvider timeProvider)
{
    public const string HttpClientName = "oauth-token";

    private readonly ConcurrentDictionary<string, Entry> _entries = new();

    /// <summary>A valid token; <paramref name="rejected"/> is the token the ticket system just refused (a 401), if any.</summary>
    public async Task<string> GetTokenAsync(DestinationAuthenticationOptions options, string? rejected, CancellationToken cancellationToken)
    {
        // Keyed by the credentials too: a configuration change gets a new token, not the old one.
        var entry = _entries.GetOrAdd($"{options.TokenUrl}|{options.ClientId}|{options.Scope}|{options.ClientSecret?.GetHashCode(StringComparison.Ordinal)}",
            static _ => new Entry());
        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            if (entry.Token is { } token && token != rejected && timeProvider.GetUtcNow() < entry.RefreshAt)
            {
                return token;
            }

            var fetched = await FetchAsync(options, cancellationToken);
            var lifetime = TimeSpan.FromSeconds(Math.Max(fetched.ExpiresIn ?? 3600, 1));

            // Refresh a minute before expiry (or at half-life for short tokens), so no call goes out with a dying token.
            entry.RefreshAt = timeProvider.GetUtcNow() + lifetime - TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, lifetime.Ticks / 2));
            entry.Token = fetched.AccessToken;
            return fetched.AccessToken!;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private async Task<TokenAnswer> FetchAsync(DestinationAuthenticationOptions options, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = options.ClientId!,
            ["client_secret"] = options.ClientSecret!,
        };
        if (!string.IsNullOrEmpty(options.Scope))
        {
            form["scope"] = options.Scope;
        }

        using var client = httpClientFactory.CreateClient(HttpClientName);
        using var response = await client.PostAsync(options.TokenUrl, new FormUrlEncodedContent(form), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // ServiceNow: {"error_description":"access_denied","error":"server_error"}; the secret is never in it.
            var status = (int)response.StatusCode;
            throw new TicketSystemException($"the token endpoint answered {status}: {TicketSystemErrors.Extract(body) ?? response.ReasonPhrase}",
                status, TicketSystemErrors.Extract(body));
        }

        var answer = System.Text.Json.JsonSerializer.Deserialize<TokenAnswer>(body);
        return answer?.AccessToken is { Length: > 0 }
            ? answer
            : throw new TicketSystemException("the token endpoint answered without an access_token", null, null);
    }

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public string? Token { get; set; }

        public DateTimeOffset RefreshAt { get; set; }
    }

    private sealed record TokenAnswer(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] int? ExpiresIn);
}
