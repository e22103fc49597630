using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
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
            var lifetime = TimeSpan.FromSeconds(Math.Clamp(fetched.ExpiresIn ?? 3600, 1, TimeSpan.FromDays(1).TotalSeconds));

            // Refresh a minute before expiry (or at half-life for short tokens), so no call goes out with a dying token.
            entry.RefreshAt = timeProvider.GetUtcNow() + lifetime - TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, lifetime.Ticks / 2));
            entry.Token = fetched.AccessToken;
            return fetched.AccessToken;
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
        string body;
        int status;
        string? reason;
        string? redirect;
        try
        {
            using var response = await client.PostAsync(options.TokenUrl, new FormUrlEncodedContent(form), cancellationToken);
            (body, status, reason) = (await response.Content.ReadAsStringAsync(cancellationToken), (int)response.StatusCode, response.ReasonPhrase);
            redirect = status is >= 300 and < 400 ? TicketSystemErrors.RedirectTarget(response) : null;
        }
        catch (HttpRequestException exception)
        {
            throw TicketSystemException.NotReached($"the token endpoint could not be reached: {exception.Message}", exception.Message, exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The token client's own timeout, not the delivery's cancellation: worth another attempt later.
            throw TicketSystemException.TimedOut("the token endpoint did not answer in time", null, exception);
        }

        if (redirect is not null)
        {
            // Not followed: the form holds the client secret. Retrying will not change where TokenUrl points.
            throw TicketSystemException.Answered($"the token endpoint answered {status}, a redirect to '{redirect}', which the bridge does not follow: set TokenUrl to the final URL",
                status, null);
        }

        if (status is < 200 or > 299)
        {
            // ServiceNow: {"error_description":"access_denied","error":"server_error"}; the secret is never in it.
            var message = TicketSystemErrors.Extract(body);
            throw TicketSystemException.Answered($"the token endpoint answered {status}: {message ?? reason}", status, message);
        }

        if (ReadAnswer(body) is not { } answer)
        {
            // A page instead of a token (a hibernating instance, a proxy's login page) may well be gone later.
            throw TicketSystemException.UnusableAnswer($"the token endpoint answered {status} without an OAuth2 token (no access_token in a JSON object)",
                TicketSystemErrors.Extract(body));
        }

        return answer;
    }

    /// <summary>The token and its lifetime; <c>expires_in</c> as a number (integral or not) or a string, as issuers write it.</summary>
    private static TokenAnswer? ReadAnswer(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("access_token", out var token) || token.ValueKind != JsonValueKind.String
                || token.GetString() is not { Length: > 0 } accessToken)
            {
                return null;
            }

            double? expiresIn = root.TryGetProperty("expires_in", out var expires) ? expires.ValueKind switch
            {
                JsonValueKind.Number when expires.TryGetDouble(out var number) && double.IsFinite(number) => number,
                JsonValueKind.String when double.TryParse(expires.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
                    && double.IsFinite(parsed) => parsed,
                _ => null,
            } : null;
            return new TokenAnswer(accessToken, expiresIn);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public string? Token { get; set; }

        public DateTimeOffset RefreshAt { get; set; }
    }

    private sealed record TokenAnswer(string AccessToken, double? ExpiresIn);
}
