using CloudAlmBridge.Configuration;
using CloudAlmBridge.Storage;
using CloudAlmBridge.Vocabulary;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace CloudAlmBridge.Console;

/// <summary>
/// The operator console at <c>/console</c>: server-rendered pages (Razor components rendered to HTML, no circuit, no
/// WebAssembly), a session cookie of its own, antiforgery on every form, and one small script file for the playground.
/// </summary>
internal static class ConsoleExtensions
{
    /// <summary>The console's own cookie scheme: only the console's routes use it, so the API never redirects to a login page.</summary>
    public const string Scheme = "Console";

    /// <summary>The authorization policy of every console route but the login page: an admin signed in to the console.</summary>
    public const string Policy = "console-admin";

    public const string Path = "/console";
    public const string LoginPath = "/console/login";

    /// <summary>The rate limit policy of <c>POST /console/login</c>.</summary>
    public const string LoginRateLimit = "console-login";
    public const string SessionCookie = "bridge-console";
    public const string AntiforgeryCookie = "bridge-console-csrf";
    public const string AntiforgeryField = "__csrf";
    public const string AntiforgeryHeader = "X-CSRF-Token";

    public static IHostApplicationBuilder AddBridgeConsole(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigurationRule<ConsoleRules>();
        // Components rendered to HTML by RazorComponentResult: static server-side rendering, nothing interactive.
        builder.Services.AddRazorComponents();
        builder.Services.AddSingleton<OverviewCounts>();
        builder.Services.AddAuthentication().AddCookie(Scheme);
        builder.Services.AddOptions<CookieAuthenticationOptions>(Scheme)
            .Configure<IHostEnvironment, IOptions<BridgeOptions>>((options, environment, bridge) =>
            {
                options.Cookie.Name = SessionCookie;
                options.Cookie.Path = Path;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                // Development runs on http://localhost; everywhere else the cookie never travels in clear.
                options.Cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
                options.ExpireTimeSpan = bridge.Value.Security.ConsoleSessionLifetime;
                options.SlidingExpiration = true;
                options.LoginPath = LoginPath;
                options.AccessDeniedPath = LoginPath;
                options.ReturnUrlParameter = "returnUrl";
                options.Events.OnValidatePrincipal = ValidateSessionAsync;
            });
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = AntiforgeryCookie;
            options.Cookie.Path = Path;
            options.FormFieldName = AntiforgeryField;
            options.HeaderName = AntiforgeryHeader;
            options.SuppressXFrameOptionsHeader = true;
        });
        // SameAsRequest, not Always: antiforgery refuses to work at all on a request that is not HTTPS with Always, and
        // behind a TLS-terminating proxy the bridge sees http. The token is no credential: it only pairs with the form's.
        builder.Services.AddOptions<AntiforgeryOptions>()
            .Configure(options => options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        // Sign-ins are guesses until one works: 30 a minute per address, on top of the bridge's own limit.
        builder.Services.Configure<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>(options => options.AddPolicy(LoginRateLimit, context =>
            System.Threading.RateLimiting.RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new System.Threading.RateLimiting.FixedWindowRateLimiterOptions { PermitLimit = 30, Window = TimeSpan.FromMinutes(1) })));
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser().RequireRole(Roles.Admin));
        return builder;
    }

    /// <summary>
    /// The session's sign-in time (Unix seconds), a fingerprint of the secret it was opened with, and its token (the
    /// database records only the token's hash).
    /// </summary>
    public const string SignedInAtItem = "bridge.signed_in_at";
    public const string SecretItem = "bridge.secret";
    public const string SessionItem = "bridge.session";

    /// <summary>However active a session is, it ends this long after its sign-in.</summary>
    public static readonly TimeSpan MaxSessionAge = TimeSpan.FromHours(12);

    /// <summary>A fingerprint of the client's secret as configured (never the secret): a change of it ends the sessions it opened.</summary>
    public static string SecretFingerprint(ClientOptions client) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"{client.SecretHash}\n{client.Secret}")))[..16];

    /// <summary>
    /// A session outlives nothing it was granted on: the client must still exist, still be an admin with a secret in
    /// the configuration in force (a removed operator is out at the next click, not at the cookie's expiry; a client
    /// known only by its certificate never has a console session), the secret must be the one it was opened with, and
    /// its record must still be in the database (signing out removes it, for every instance and every copy of the cookie).
    /// </summary>
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var clients = services.GetRequiredService<ActiveConfiguration>().Current.Options.Security.Clients;
        var name = context.Principal?.Identity?.Name;
        var items = context.Properties.Items;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var signedIn = items.TryGetValue(SignedInAtItem, out var at) && long.TryParse(at, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : (DateTimeOffset?)null;
        var valid = name is not null && clients.TryGetValue(name, out var client) && client.Roles.Contains(Roles.Admin, StringComparer.Ordinal)
            && (!string.IsNullOrEmpty(client.Secret) || !string.IsNullOrEmpty(client.SecretHash))
            && signedIn is not null && now - signedIn <= MaxSessionAge
            && items.TryGetValue(SecretItem, out var fingerprint) && fingerprint == SecretFingerprint(client)
            && items.TryGetValue(SessionItem, out var token) && token is { Length: > 0 }
            && await services.GetRequiredService<ConsoleSessionStore>().IsActiveAsync(token, name, now, context.HttpContext.RequestAborted);
        if (!valid)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }

    /// <summary>The console's routes: the login page is open, every other page and action needs <see cref="Policy"/>.</summary>
    public static IEndpointRouteBuilder MapBridgeConsole(this IEndpointRouteBuilder app)
    {
        // Every route needs a signed-in admin, except the login form and the style and script files it uses.
        var console = app.MapGroup(Path)
            .ExcludeFromDescription()
            .RequireAuthorization(Policy)
            // Antiforgery is checked by ConsoleForms on every POST, answered with the console's own page, not the framework's bare 400.
            .DisableAntiforgery();
        console.MapGet("/assets/{file}", ConsoleAssets.Serve).AllowAnonymous();
        console.MapGet("/login", ConsoleLogin.Form).AllowAnonymous();
        console.MapPost("/login", ConsoleLogin.SubmitAsync).AllowAnonymous().AddEndpointFilter(ConsoleForms.ValidateAntiforgeryAsync)
            .RequireRateLimiting(LoginRateLimit);

        console.MapGet("/", ConsolePages.OverviewAsync);
        console.MapGet("/deliveries", ConsolePages.DeliveriesAsync);
        console.MapGet("/deliveries/{id:long}", ConsolePages.DeliveryAsync);
        console.MapGet("/tickets", ConsolePages.TicketsAsync);
        console.MapGet("/held", ConsolePages.HeldAsync);
        console.MapGet("/maintenance", ConsoleMaintenance.PageAsync);
        console.MapGet("/groups", ConsolePages.GroupsAsync);
        console.MapGet("/destinations", ConsolePages.Destinations);
        console.MapGet("/playground", ConsolePlayground.Page);

        console.MapPost("/logout", ConsoleLogin.LogoutAsync).AddEndpointFilter(ConsoleForms.ValidateAntiforgeryAsync);
        console.MapPost("/deliveries/{id:long}/replay", ConsoleActions.ReplayOneAsync).AddEndpointFilter(ConsoleForms.ValidateAntiforgeryAsync);
        console.MapPost("/deliveries/replay", ConsoleActions.ReplayManyAsync).AddEndpointFilter(ConsoleForms.ValidateAntiforgeryAsync);
        console.MapPost("/held/settle", ConsoleActions.SettleAsync).AddEndpointFilter(ConsoleForms.ValidateAntiforgeryAsync);
        console.MapPost("/maintenance/start", ConsoleMaintenance.StartAsync).AddEndpointFilter(ConsoleForms.ValidateAntiforgeryAsync);
        console.MapPost("/maintenance/end", ConsoleMaintenance.EndAsync).AddEndpointFilter(ConsoleForms.ValidateAntiforgeryAsync);
        console.MapPost("/destinations/{name}/test", ConsoleActions.TestDestinationAsync).AddEndpointFilter(ConsoleForms.ValidateAntiforgeryAsync);
        console.MapPost("/playground", ConsolePlayground.SubmitAsync).AddEndpointFilter(ConsoleForms.ValidateAntiforgeryAsync);
        console.MapPost("/playground/validate", ConsolePlayground.ValidateAsync).AddEndpointFilter(ConsoleForms.ValidateAntiforgeryAsync);
        return app;
    }
}
