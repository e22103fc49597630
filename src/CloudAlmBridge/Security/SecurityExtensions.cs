using System.Globalization;
using System.Threading.RateLimiting;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Security.Certificates;
using CloudAlmBridge.Security.Tokens;
using CloudAlmBridge.Vocabulary;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

namespace CloudAlmBridge.Security;

internal static class SecurityExtensions
{
    /// <summary>The detail of the 429 problem a caller over its rate limit gets.</summary>
    public const string RateLimitDetail =
        "This caller is over its rate limit (Bridge:Security:PermitsPerMinute, or EventPermitsPerMinute for the events role); try again after Retry-After seconds.";

    /// <summary>
    /// Every inbound scheme (Basic, the bridge's own tokens, an external issuer's tokens, client certificates), one
    /// policy per role, and a rate limit per client.
    /// </summary>
    public static IHostApplicationBuilder AddBridgeSecurity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigurationRule<ClientRules>();
        builder.Services.AddConfigurationRule<TokenRules>();
        builder.Services.AddConfigurationRule<JwtRules>();
        // Schemes are set up from the configuration at start; who may log in (clients, secrets, thumbprints, keys) is
        // read from the configuration in force on every call.
        builder.Services
            .AddAuthentication(AuthenticationSchemes.Selector)
            .AddPolicyScheme(AuthenticationSchemes.Selector, "Basic, bearer token or client certificate",
                options => options.ForwardDefaultSelector = AuthenticationSchemes.Select)
            .AddScheme<AuthenticationSchemeOptions, BasicAuthenticationHandler>(AuthenticationSchemes.Basic, null)
            .AddScheme<AuthenticationSchemeOptions, ClientCertificateAuthenticationHandler>(AuthenticationSchemes.ClientCertificate, null)
            .AddBridgeTokens()
            .AddExternalIssuer();
        builder.Services.PostConfigure<ProblemDetailsOptions>(options =>
        {
            var earlier = options.CustomizeProblemDetails;
            options.CustomizeProblemDetails = context =>
            {
                earlier?.Invoke(context);
                AccessProblems.Explain(context);
            };
        });
        builder.Services.AddSingleton<VerifiedSecrets>();
        builder.Services.AddSingleton<ClientCredentials>();
        builder.Services.AddSingleton<VerifiedBasicPrincipals>();
        builder.Services.AddSingleton<TokenAttempts>();
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<BridgeOptions>>((kestrel, bridge) =>
        {
            // Only when a client is known by its certificate (browsers on Swagger UI are not asked otherwise): Kestrel
            // asks every TLS caller for one but takes any, and the thumbprint decides, per client. Read at start.
            if (bridge.Value.Security.Clients.Values.Any(client => client.CertificateThumbprints.Count > 0))
            {
                kestrel.ConfigureHttpsDefaults(https =>
                {
                    https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                    https.AllowAnyClientCertificate();
                });
            }
        });

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Events, policy => policy.RequireAssertion(context =>
                context.User.IsInRole(Roles.Events)
                || (context.Resource is HttpContext http
                    && !http.Request.Headers.ContainsKey("Authorization")
                    && http.Connection.ClientCertificate is null
                    && http.RequestServices.GetRequiredService<ActiveConfiguration>().Current.Options.Security.AllowAnonymousEvents)))
            .AddPolicy(Roles.Admin, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Admin));
        builder.Services.AddRateLimiter(options =>
        {
            // POST /oauth/token: a cap per address before the form is read; TokenAttempts limits each client tried.
            options.AddPolicy(TokenEndpoint.RateLimitPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                $"token:{context.Connection.RemoteIpAddress}",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = TokenEndpoint.RequestsPerAddressPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            // Partitioned by client once authenticated, else by remote address: a guessing caller is limited too. A
            // client with the events role (Cloud ALM) gets the storm-sized limit: a 429 there is an event at risk.
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var security = context.RequestServices.GetRequiredService<ActiveConfiguration>().Current.Options.Security;
                var permits = context.User.Identity is { IsAuthenticated: true } && context.User.IsInRole(Roles.Events)
                    ? security.EventPermitsPerMinute
                    : security.PermitsPerMinute;
                string partition;
                if (context.Request.Path.StartsWithSegments(TokenEndpoint.Path))
                {
                    // Where secrets are guessed: by address, whatever credentials the request also carries (another
                    // client's bearer token must not lend its own, larger limit); the route's own policy is tighter.
                    permits = security.PermitsPerMinute;
                    partition = $"token:{context.Connection.RemoteIpAddress}:{permits}";
                }
                else
                {
                    partition = context.User.Identity is { IsAuthenticated: true, Name: { } name }
                        ? ClientPartitions.For(name, permits)
                        : $"address:{context.Connection.RemoteIpAddress}:{permits}";
                }

                return RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
            options.OnRejected = async (rejected, cancellationToken) =>
            {
                var response = rejected.HttpContext.Response;
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                }

                await rejected.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = rejected.HttpContext,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = rejected.HttpContext.Request.Path.StartsWithSegments(TokenEndpoint.Path)
                            ? $"Too many token requests from this address in the last minute (at most {TokenEndpoint.RequestsPerAddressPerMinute}); try again after Retry-After seconds."
                            : RateLimitDetail,
                    },
                });
            };
        });
        return builder;
    }

    /// <summary>Authentication, then the rate limit (so it knows the client), then authorization, then the cross-site refusal.</summary>
    public static WebApplication UseBridgeSecurity(this WebApplication app)
    {
        app.UseBridgeRequestLimits();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        // After authorization: a caller without credentials hears 401 first, as everywhere.
        app.UseBridgeCrossSiteRefusal();
        return app;
    }

    /// <summary>
    /// A cap on every request body before anything reads it, also before authentication: Kestrel's default (30 MB)
    /// is far above what any route takes. Routes that take a change message or a mapping check
    /// <c>Bridge:Inbound:MaxBodyBytes</c> themselves; everything else gets <see cref="InboundOptions.MaxRequestBytes"/>,
    /// and the token endpoint its small form's cap.
    /// </summary>
    private static WebApplication UseBridgeRequestLimits(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var limit = context.Request.Path.StartsWithSegments(TokenEndpoint.Path)
                ? TokenEndpoint.MaxRequestBytes
                : context.RequestServices.GetRequiredService<ActiveConfiguration>().Current.Options.Inbound.MaxRequestBytes;
            if (context.Request.ContentLength > limit)
            {
                await Errors.Problems.Create(StatusCodes.Status413PayloadTooLarge, "Body too large",
                    $"The request body may have at most {limit} bytes here.").ExecuteAsync(context);
                return;
            }

            // Bodies without a length (chunked) are cut off by the server at the same size.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = limit;
            }

            await next(context);
        });
        return app;
    }

    /// <summary>
    /// Headers on every answer: no sniffing, no framing, no referrer, no caching of API answers, and a content security
    /// policy that allows nothing for the API, only the bridge's own scripts and styles for Swagger UI, and for the
    /// console only its own script and style files (no inline script at all). Console pages are not cached either.
    /// </summary>
    public static WebApplication UseBridgeSecurityHeaders(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Resource-Policy"] = "same-origin";
                headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/swagger")
                    ? "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
                    : context.Request.Path.StartsWithSegments("/console")
                        // The console: its own style sheet and script files, no inline script or style, forms and fetches to itself only.
                        ? "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
                        : "default-src 'none'; frame-ancestors 'none'";
                if (context.Request.Path.StartsWithSegments("/api")
                    || (context.Request.Path.StartsWithSegments("/console") && !context.Request.Path.StartsWithSegments("/console/assets")))
                {
                    headers.CacheControl = "no-store";
                }

                return Task.CompletedTask;
            });
            await next(context);
        });
        return app;
    }
}
