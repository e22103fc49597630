using CloudAlmBridge.Console.Pages;
using CloudAlmBridge.Security;
using CloudAlmBridge.Storage;
using CloudAlmBridge.Vocabulary;
using Microsoft.AspNetCore.Authentication;

namespace CloudAlmBridge.Console;

/// <summary>
/// Sign-in with a client of <c>Bridge:Security:Clients</c> and its secret, in a form (never a browser Basic prompt): an
/// admin gets the console's session cookie, anyone else the form again with the reason.
/// </summary>
internal static class ConsoleLogin
{
    private const int MaxClientName = 100;

    private static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "(unknown)";

    /// <summary>Said on the form, instead of a sign-in that silently comes back to it.</summary>
    public const string NeedsHttps =
        "The console needs HTTPS: this page came over plain HTTP, so the browser would never send the session cookie back. "
        + "Open it with https://; behind a TLS proxy configure Bridge:Inbound:ForwardedHeaders.";

    public static IResult Form(HttpContext context, string? returnUrl) =>
        ConsoleForms.Render<LoginPage>(new
        {
            Shell = ConsoleForms.Shell(context, "Sign in", "login", error: OverPlainHttp(context) ? NeedsHttps : null),
            ReturnUrl = ConsoleForms.LocalConsoleUrl(returnUrl),
        });

    public static async Task<IResult> SubmitAsync(HttpContext context, ClientCredentials credentials, ConsoleSessionStore sessions,
        TimeProvider timeProvider, ILogger<ConsoleAudit> logger)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var name = form["client"].ToString().Trim();
        var secret = form["secret"].ToString();
        var returnUrl = ConsoleForms.LocalConsoleUrl(form["returnUrl"].ToString());

        // The session cookie is Secure outside Development: over plain HTTP a sign-in would lead straight back here.
        if (OverPlainHttp(context))
        {
            ConsoleLog.SignInRefused(logger, name.Length > MaxClientName ? name[..MaxClientName] : name, "the console was reached over plain HTTP", Address(context));
            return Refused(context, name.Length > MaxClientName ? name[..MaxClientName] : name, returnUrl, NeedsHttps, StatusCodes.Status400BadRequest);
        }

        // A client name is a short word: anything longer is refused before it reaches a log line or the page.
        if (name.Length > MaxClientName)
        {
            name = name[..MaxClientName];
            ConsoleLog.SignInRefused(logger, name, "a client name longer than 100 characters", Address(context));
            return Refused(context, name, returnUrl, "Unknown client or wrong secret.", StatusCodes.Status401Unauthorized);
        }

        var client = name.Length == 0 || secret.Length == 0 ? null : credentials.Verify(name, secret);
        if (client is null)
        {
            ConsoleLog.SignInRefused(logger, name, "unknown client or wrong secret", Address(context));
            return Refused(context, name, returnUrl, "Unknown client or wrong secret.", StatusCodes.Status401Unauthorized);
        }

        if (!client.Roles.Contains(Roles.Admin, StringComparer.Ordinal))
        {
            // The Cloud ALM client (role events) knows a valid secret, but the console is for operators.
            ConsoleLog.SignInRefused(logger, name, "not an admin", Address(context));
            return Refused(context, name, returnUrl, $"Client '{name}' is not an admin: the console is for clients with the role admin.",
                StatusCodes.Status403Forbidden);
        }

        // The session remembers when it began (an absolute lifetime, however busy), which secret opened it (a rotated
        // secret ends every session it opened) and its token, whose hash the database records until sign-out.
        var now = timeProvider.GetUtcNow();
        var token = await sessions.StartAsync(name, now, now + ConsoleExtensions.MaxSessionAge, context.RequestAborted);
        var principal = BridgePrincipal.Create(name, client.Roles, ConsoleExtensions.Scheme);
        var properties = new AuthenticationProperties { IsPersistent = false };
        properties.Items[ConsoleExtensions.SignedInAtItem] = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        properties.Items[ConsoleExtensions.SecretItem] = ConsoleExtensions.SecretFingerprint(client);
        properties.Items[ConsoleExtensions.SessionItem] = token;
        await context.SignInAsync(ConsoleExtensions.Scheme, principal, properties);
        ConsoleLog.SignedIn(logger, name);
        return Results.Redirect(returnUrl);
    }

    public static async Task<IResult> LogoutAsync(HttpContext context, ConsoleSessionStore sessions, ILogger<ConsoleAudit> logger)
    {
        // The session's record goes first: a copy of the cookie taken before is refused by every instance from now on.
        var session = await context.AuthenticateAsync(ConsoleExtensions.Scheme);
        if (session.Properties?.Items.TryGetValue(ConsoleExtensions.SessionItem, out var token) == true && token is { Length: > 0 })
        {
            await sessions.EndAsync(token, context.RequestAborted);
        }

        await context.SignOutAsync(ConsoleExtensions.Scheme);
        ConsoleLog.SignedOut(logger, context.User.Identity?.Name ?? "(unknown)");
        return Results.Redirect(ConsoleExtensions.LoginPath);
    }

    private static bool OverPlainHttp(HttpContext context) =>
        !context.Request.IsHttps && !context.RequestServices.GetRequiredService<IHostEnvironment>().IsDevelopment();

    private static IResult Refused(HttpContext context, string client, string returnUrl, string error, int status) =>
        ConsoleForms.Render<LoginPage>(new
        {
            Shell = ConsoleForms.Shell(context, "Sign in", "login", error: error),
            ReturnUrl = returnUrl,
            Client = client,
        }, status);
}
