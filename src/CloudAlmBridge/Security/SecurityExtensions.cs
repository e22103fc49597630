using Microsoft.AspNetCore.Authentication;

namespace CloudAlmBridge.Security;

internal static class SecurityExtensions
{
    /// <summary>Basic authentication against the configured clients, and one policy per role.</summary>
    public static IHostApplicationBuilder AddBridgeSecurity(this IHostApplicationBuilder builder)
    {
        builder.Services
            .AddAuthentication(BasicAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BasicAuthenticationHandler>(BasicAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Events, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Events))
            .AddPolicy(Roles.Admin, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Admin));
        return builder;
    }
}
