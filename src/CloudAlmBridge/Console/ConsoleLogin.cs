using CloudAlmBridge.Console.Pages;
using CloudAlmBridge.Security;
using Microsoft.AspNetCore.Authentication;

namespace CloudAlmBridge.Console;

/// <summary>
/// Sign-in with a client of <c>Bridge:Security:Clients</c> and its secret, in a form (never a browser Basic prompt): an
/// admin gets the console's session cookie, anyone else the form again with the reason.
/// </summary>
internal static class ConsoleLogin
{
    public static IResult Form(HttpContext context, string? returnUrl) =>
        ConsoleForms.Render<LoginPage>(new { Shell = ConsoleForms.Shell(context, "Sign in", "login"), ReturnUrl = ConsoleForms.LocalConsoleUrl(returnUrl) });

    public static async Task<IResult> SubmitAsync(HttpContext context, ClientCredentials credentials, ILogger<ConsoleAudit> logger)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var name = form["client"].ToString().Trim();
        var secret = form["secret"].ToString();
        var returnUrl = ConsoleForms.LocalConsoleUrl(form["returnUrl"].ToString());

        var client = name.Length == 0 || secret.Length == 0 ? null : credentials.Verify(name, secret);
        if (client is null)
        {
            ConsoleLog.SignInRefused(logger, name, "unknown client or wrong secret");
            return Refused(context, name, returnUrl, "Unknown client or wrong secret.", StatusCodes.Status401Unauthorized);
        }

        if (!client.Roles.Contains(Roles.Admin, StringComparer.Ordinal))
        {
            // The Cloud ALM client (role events) knows a valid secret, but the console is for operators.
            ConsoleLog.SignInRefused(logger, name, "not an admin");
            return Refused(context, name, returnUrl, $"Client '{name}' is not an admin: the console is for clients with the role admin.",
                StatusCodes.Status403Forbidden);
        }

        var principal = BridgePrincipal.Create(name, client.Roles, ConsoleExtensions.Scheme);
        await context.SignInAsync(ConsoleExtensions.Scheme, principal, new AuthenticationProperties { IsPersistent = false });
        ConsoleLog.SignedIn(logger, name);
        return Results.Redirect(returnUrl);
    }

    public static async Task<IResult> LogoutAsync(HttpContext context, ILogger<ConsoleAudit> logger)
    {
        await context.SignOutAsync(ConsoleExtensions.Scheme);
        ConsoleLog.SignedOut(logger, context.User.Identity?.Name ?? "(unknown)");
        return Results.Redirect(ConsoleExtensions.LoginPath);
    }

    private static IResult Refused(HttpContext context, string client, string returnUrl, string error, int status) =>
        ConsoleForms.Render<LoginPage>(new
        {
            Shell = ConsoleForms.Shell(context, "Sign in", "login", error: error),
            ReturnUrl = returnUrl,
            Client = client,
        }, status);
}
