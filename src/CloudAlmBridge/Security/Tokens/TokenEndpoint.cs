using System.Net.Http.Headers;
using System.Text.Json.Serialization;
using CloudAlmBridge.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudAlmBridge.Security.Tokens;

/// <summary>
/// <c>POST /oauth/token</c>: the OAuth 2.0 client credentials grant (RFC 6749 §4.4) that a Cloud ALM
/// <c>OAuth2ClientCredentials</c> destination uses, with the client authenticated by <c>client_secret_basic</c> (the
/// Authorization header) or <c>client_secret_post</c> (form fields).
/// </summary>
internal static class TokenEndpoint
{
    public const string Path = "/oauth/token";

    /// <summary>
    /// Token requests a minute per address and client tried, whatever else a request carries: a client asks for a
    /// token once per token lifetime, a guesser all the time (the console's sign-in allows as many per address).
    /// </summary>
    public const int TriesPerMinute = 30;

    /// <summary>Token requests a minute per address, whichever clients: counted before the form is read.</summary>
    public const int RequestsPerAddressPerMinute = 120;

    /// <summary>The rate limit policy of this route: <see cref="RequestsPerAddressPerMinute"/> per remote address.</summary>
    public const string RateLimitPolicy = "token-endpoint";

    /// <summary>The form holds a grant type, a scope and at most a client id and secret.</summary>
    public const long MaxRequestBytes = 16 * 1024;

    private const string InvalidScope = "Not granted to this client: admin. A scope is a space-separated list of the client's roles.";
    private const string AuthenticateOnce =
        "Authenticate the client exactly once: the Authorization header (client_secret_basic) or client_id and client_secret (client_secret_post).";

    public static WebApplication MapTokenEndpoint(this WebApplication app)
    {
        app.MapPost(Path, IssueAsync)
            .AllowAnonymous()
            .RequireRateLimiting(RateLimitPolicy)
            .DisableAntiforgery()
            .WithName("IssueToken")
            .WithTags("Security")
            .WithSummary("Issue an access token (OAuth 2.0 client credentials)")
            .WithDescription("Form body: grant_type=client_credentials, optional scope (space-separated roles). Client credentials "
                + "in the Authorization header (Basic) or as client_id and client_secret form fields, not both; in Swagger UI, fill "
                + "in the form fields (this route takes no login of its own). Errors carry RFC 6749's error and error_description "
                + "members inside problem+json.")
            .Accepts<TokenRequest>("application/x-www-form-urlencoded")
            .Produces<TokenAnswer>()
            .AnswersProblem(StatusCodes.Status400BadRequest, "unsupportedGrantType", "The grant type is not client_credentials.",
                "Invalid token request", "Only grant_type=client_credentials is supported.",
                extensions: OAuthError("unsupported_grant_type", "Only grant_type=client_credentials is supported."))
            .AnswersProblem(StatusCodes.Status400BadRequest, "invalidScope", "A scope asks for a role the client does not have.",
                "Invalid token request", InvalidScope, extensions: OAuthError("invalid_scope", InvalidScope))
            .AnswersProblem(StatusCodes.Status400BadRequest, "invalidRequest", "The form is missing or unreadable, or the client authenticated twice or not at all.",
                "Invalid token request", AuthenticateOnce, extensions: OAuthError("invalid_request", AuthenticateOnce))
            .AnswersProblem(StatusCodes.Status401Unauthorized, "invalidClient", "Unknown client or wrong secret.",
                "Unauthorized", "Unknown client or wrong secret.", extensions: OAuthError("invalid_client", "Unknown client or wrong secret."))
            .AnswersProblem(StatusCodes.Status429TooManyRequests, "tooManyRequests",
                "Over the limit of the caller's address, of the client tried from it, or of the client's failed tries from everywhere, whatever else the request carries.",
                "Too many requests",
                $"Too many token requests for this client from this address in the last minute (at most {TriesPerMinute}); try again after Retry-After seconds.")
            .AnswersProblem(StatusCodes.Status413PayloadTooLarge, "bodyTooLarge", "The form is over 16 KiB.", "Body too large",
                $"The request body may have at most {MaxRequestBytes} bytes here.");
        return app;
    }

    private static async Task<IResult> IssueAsync(HttpContext http, ClientCredentials credentials, TokenIssuer issuer, TokenAttempts attempts,
        ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        if (!http.Request.HasFormContentType)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "Send the request as application/x-www-form-urlencoded.");
        }

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(cancellationToken);
        }
        catch (BadHttpRequestException exception)
        {
            // Over the size cap (a chunked body the server cut off), or a body that ended early.
            return Error(exception.StatusCode, "invalid_request", $"The form could not be read; it may have at most {MaxRequestBytes} bytes.");
        }
        catch (InvalidDataException)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "The form could not be read (too many or too long fields).");
        }

        if (!string.Equals(form["grant_type"], "client_credentials", StringComparison.Ordinal))
        {
            return Error(StatusCodes.Status400BadRequest, "unsupported_grant_type", "Only grant_type=client_credentials is supported.");
        }

        var fromHeader = AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization, out var header)
            && string.Equals(header.Scheme, BasicAuthenticationHandler.SchemeName, StringComparison.OrdinalIgnoreCase);
        var fromForm = form.ContainsKey("client_id") || form.ContainsKey("client_secret");
        if (fromHeader == fromForm)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request",
                "Authenticate the client exactly once: the Authorization header (client_secret_basic) or client_id and client_secret (client_secret_post).");
        }

        string clientName, secret;
        if (fromHeader)
        {
            if (!BasicAuthenticationHandler.TryDecode(header!.Parameter, out clientName, out secret))
            {
                return InvalidClient(http, "Malformed Basic credentials.");
            }
        }
        else
        {
            clientName = form["client_id"].ToString();
            secret = form["client_secret"].ToString();
        }

        var logger = loggerFactory.CreateLogger(typeof(TokenEndpoint));

        // Each try counts against the client tried from this address, and a client whose secret failed too often
        // from everywhere is refused: see TokenAttempts.
        if (attempts.Refusal(http.Connection.RemoteIpAddress?.ToString(), clientName) is { } refusal)
        {
            SecurityLog.TokenAttemptsExceeded(logger, clientName, http.Connection.RemoteIpAddress?.ToString());
            http.Response.Headers.RetryAfter = Math.Max(1, refusal.RetryAfterSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problems.Create(StatusCodes.Status429TooManyRequests, "Too many requests", refusal.Detail);
        }

        // RFC 6749 §2.3.1 form-encodes id and secret inside Basic; many clients do not. Try them as sent first.
        var client = credentials.Verify(clientName, secret);
        if (client is null && fromHeader && Uri.UnescapeDataString(clientName) is var id && Uri.UnescapeDataString(secret) is var unescaped
            && (id != clientName || unescaped != secret))
        {
            clientName = id;
            client = credentials.Verify(clientName, unescaped);
        }

        if (client is null)
        {
            attempts.Failed(clientName);
            SecurityLog.AuthenticationFailed(logger, clientName, http.Request.Path, http.Connection.RemoteIpAddress?.ToString());
            return InvalidClient(http, "Unknown client or wrong secret.");
        }

        IReadOnlyCollection<string> roles = client.Roles;
        if (form["scope"].ToString() is { Length: > 0 } scope)
        {
            var requested = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var refused = requested.Where(r => !client.Roles.Contains(r)).ToArray();
            if (refused.Length > 0)
            {
                return Error(StatusCodes.Status400BadRequest, "invalid_scope",
                    $"Not granted to this client: {string.Join(' ', refused)}. A scope is a space-separated list of the client's roles.");
            }

            roles = requested.Distinct(StringComparer.Ordinal).ToArray();
        }

        var (token, lifetime) = issuer.Issue(clientName, roles);
        SecurityLog.TokenIssued(logger, clientName, lifetime);

        // RFC 6749 §5.1: the answer must not be cached anywhere.
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        return TypedResults.Ok(new TokenAnswer(token, "Bearer", (int)lifetime.TotalSeconds, string.Join(' ', roles)));
    }

    private static Dictionary<string, object?> OAuthError(string error, string description) =>
        new() { ["error"] = error, ["error_description"] = description };

    private static ProblemHttpResult InvalidClient(HttpContext http, string description)
    {
        // RFC 6749 §5.2: a client that tried the Authorization header is told which scheme to use.
        http.Response.Headers.WWWAuthenticate = "Basic realm=\"CloudAlmBridge\", charset=\"UTF-8\"";
        return Error(StatusCodes.Status401Unauthorized, "invalid_client", description);
    }

    private static ProblemHttpResult Error(int status, string error, string description) =>
        Problems.Create(status, status == StatusCodes.Status401Unauthorized ? "Unauthorized" : "Invalid token request", description,
            extensions: OAuthError(error, description));
}

/// <summary>The form fields of a token request.</summary>
// Described for the OpenAPI document only: the endpoint reads the form itself.
internal sealed record TokenRequest(
    [property: JsonPropertyName("grant_type")] string GrantType,
    [property: JsonPropertyName("scope")] string? Scope,
    [property: JsonPropertyName("client_id")] string? ClientId,
    [property: JsonPropertyName("client_secret")] string? ClientSecret);

/// <summary>The access token answer of OAuth 2.0 (RFC 6749, section 5.1).</summary>
internal sealed record TokenAnswer(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("scope")] string Scope);
