using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
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

    // Some issuers (Azure AD v1) write expires_in as a string.
    private static readonly JsonSerializerOptions AnswerOptions = new() { NumberHandling = JsonNumberHandling.AllowReadingFromString };

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
        string body;
        HttpStatusCode statusCode;
        string? reason;
        try
        {
            using var response = await client.PostAsync(options.TokenUrl, new FormUrlEncodedContent(form), cancellationToken);
            (body, statusCode, reason) = (await response.Content.ReadAsStringAsync(cancellationToken), response.StatusCode, response.ReasonPhrase);
        }
        catch (HttpRequestException exception)
        {
            throw new TicketSystemException($"the token endpoint could not be reached: {exception.Message}", null, exception.Message, exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The token client's own timeout, not the delivery's cancellation: worth another attempt later.
            throw new TicketSystemException("the token endpoint did not answer in time", null, null, exception);
        }

        var status = (int)statusCode;
        if (status is < 200 or > 299)
        {
            // ServiceNow: {"error_description":"access_denied","error":"server_error"}; the secret is never in it. A
            // redirect is not followed (it would carry the client secret elsewhere) and will not change by retrying.
            var message = TicketSystemErrors.Extract(body);
            throw new TicketSystemException($"the token endpoint answered {status}: {message ?? reason}", status, message);
        }

        TokenAnswer? answer;
        try
        {
            answer = JsonSerializer.Deserialize<TokenAnswer>(body, AnswerOptions);
        }
        catch (JsonException)
        {
            answer = null;
        }

        return answer?.AccessToken is { Length: > 0 }
            ? answer
            : throw new TicketSystemException("the token endpoint answered without an access_token (not an OAuth2 token answer)", status, null, transient: false);
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
