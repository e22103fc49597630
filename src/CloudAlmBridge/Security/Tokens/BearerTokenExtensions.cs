using CloudAlmBridge.Configuration;
using CloudAlmBridge.Vocabulary;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace CloudAlmBridge.Security.Tokens;

/// <summary>Validation of bearer tokens: the bridge's own (from <c>POST /oauth/token</c>) and an external issuer's.</summary>
internal static class BearerTokenExtensions
{
    /// <summary>The bridge's own tokens: its issuer and audience, any accepted key (so a rotation needs no restart).</summary>
    public static AuthenticationBuilder AddBridgeTokens(this AuthenticationBuilder authentication)
    {
        authentication.Services.AddSingleton<SigningKeys>();
        authentication.Services.AddSingleton<TokenIssuer>();
        authentication.AddJwtBearer(AuthenticationSchemes.BridgeToken);

        // Issuer and audience are read at start; the keys are asked on every validation, so a rotation needs no restart.
        authentication.Services.AddOptions<JwtBearerOptions>(AuthenticationSchemes.BridgeToken)
            .Configure<IOptions<BridgeOptions>, SigningKeys>((options, bridge, keys) =>
        {
            var tokens = bridge.Value.Security.Tokens;
            options.MapInboundClaims = false;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = tokens.Issuer,
                ValidAudience = tokens.Audience,
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ClockSkew = TimeSpan.FromSeconds(30),
                IssuerSigningKeyResolver = (_, _, _, _) => keys.Accepted,
            };
            options.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    var model = context.HttpContext.RequestServices.GetRequiredService<ActiveConfiguration>().Current;
                    if (TokenIssuer.Confirm(context.Principal!, model, AuthenticationSchemes.BridgeToken) is { } principal)
                    {
                        context.Principal = principal;
                    }
                    else
                    {
                        context.Fail(AccessProblems.Remember(context.HttpContext, "The token's client is no longer registered."));
                    }

                    return Task.CompletedTask;
                },
                OnAuthenticationFailed = LogRefusal,
            };
        });
        return authentication;
    }

    /// <summary>An external issuer's tokens: keys from its OpenID metadata, roles from a configured claim.</summary>
    public static AuthenticationBuilder AddExternalIssuer(this AuthenticationBuilder authentication)
    {
        // Registered always, chosen only when configured (see AuthenticationSchemes.Select); read at start.
        authentication.AddJwtBearer(AuthenticationSchemes.ExternalJwt);
        authentication.Services.AddOptions<JwtBearerOptions>(AuthenticationSchemes.ExternalJwt)
            .Configure<IOptions<BridgeOptions>>((options, bridge) =>
        {
            var jwt = bridge.Value.Security.Jwt;
            if (!jwt.IsEnabled)
            {
                return;
            }

            var scopePrefix = string.IsNullOrWhiteSpace(jwt.ScopePrefix) ? jwt.Audience : jwt.ScopePrefix;

            options.Authority = jwt.Authority;
            if (!string.IsNullOrWhiteSpace(jwt.MetadataAddress))
            {
                options.MetadataAddress = jwt.MetadataAddress;
            }

            options.Audience = jwt.Audience;
            options.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
            options.MapInboundClaims = false;
            options.TokenValidationParameters.ValidAudience = jwt.Audience;
            options.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(30);
            options.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    var token = context.Principal!;
                    var name = token.FindFirst(jwt.NameClaim)?.Value ?? token.FindFirst("sub")?.Value ?? "external";
                    var roles = token.FindAll(jwt.RolesClaim)
                        .SelectMany(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                        .Select(value => ToRole(value, scopePrefix, jwt.AcceptBareRoles))
                        .OfType<string>();
                    context.Principal = BridgePrincipal.Create(name, roles, AuthenticationSchemes.ExternalJwt);
                    return Task.CompletedTask;
                },
                OnAuthenticationFailed = LogRefusal,
            };
        });
        return authentication;
    }

    /// <summary>
    /// A claim value as one of the bridge's roles: the bridge's own scope as XSUAA writes it
    /// (<c>cloud-alm-bridge!t123.events</c>), or <c>events</c> itself only when <c>AcceptBareRoles</c> says so. Only the
    /// bridge's prefix: an XSUAA token carries the scopes of every app its caller was granted, and
    /// <c>some-other-app!t9.admin</c>, or a bare <c>admin</c> meant for another application, must not make an admin here.
    /// </summary>
    private static string? ToRole(string value, string? scopePrefix, bool acceptBare) =>
        Roles.All.FirstOrDefault(role => (acceptBare && value == role) || (scopePrefix is not null && value == $"{scopePrefix}.{role}"));

    private static Task LogRefusal(AuthenticationFailedContext context)
    {
        // The reason is the exception's kind, never its text: that could quote the token.
        var reason = context.Exception switch
        {
            SecurityTokenExpiredException => "expired",
            SecurityTokenInvalidAudienceException => "wrong audience",
            SecurityTokenInvalidIssuerException => "wrong issuer",
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "signature not valid with any accepted key",
            SecurityTokenMalformedException => "malformed",
            _ => context.Exception.GetType().Name,
        };
        var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BearerTokenExtensions));
        SecurityLog.TokenRefused(logger, context.Request.Path, reason);

        // The caller's 401 says why in the same words (AccessProblems), not in the exception's.
        context.Fail(AccessProblems.Remember(context.HttpContext,
            $"The bearer token was refused: {(reason.EndsWith("Exception", StringComparison.Ordinal) ? "not valid" : reason)}."));
        return Task.CompletedTask;
    }
}
