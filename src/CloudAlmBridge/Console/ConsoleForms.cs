using CloudAlmBridge.Console.Pages;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudAlmBridge.Console;

/// <summary>What every console page and form shares: the page frame's data, rendering, and the antiforgery check.</summary>
internal static class ConsoleForms
{
    /// <summary>The frame of a page: who is signed in, the antiforgery token for its forms, and where in the navigation it is.</summary>
    public static ConsoleShell Shell(HttpContext context, string title, string section, string? notice = null, string? error = null)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        var user = context.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : null;
        return new ConsoleShell(title, section, user, tokens.FormFieldName, tokens.RequestToken ?? string.Empty, notice, error);
    }

    /// <summary>A page component rendered to HTML on the server (static SSR), with the status code of what happened.</summary>
    public static RazorComponentResult Render<TPage>(object parameters, int status = StatusCodes.Status200OK)
        where TPage : Microsoft.AspNetCore.Components.IComponent =>
        new RazorComponentResult<TPage>(parameters) { StatusCode = status };

    /// <summary>
    /// Every POST of the console, the login form included, carries the antiforgery token of a page the console rendered
    /// (form field, or header for the playground's script); a forged or stale one gets a page that says what to do.
    /// </summary>
    public static async ValueTask<object?> ValidateAntiforgeryAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException exception)
        {
            ConsoleLog.AntiforgeryRejected(context.RequestServices.GetRequiredService<ILogger<ConsoleAudit>>(), context.Request.Path,
                context.User.Identity?.Name ?? "(anonymous)", exception.Message);
            return Render<ErrorPage>(new
            {
                Shell = Shell(context, "Form expired", string.Empty),
                Message = "This form has expired or did not come from this console. Go back, reload the page and try again.",
            }, StatusCodes.Status400BadRequest);
        }

        return await next(invocation);
    }

    /// <summary>
    /// A local console address, or the console's start page: a login never redirects elsewhere. Only printable ASCII (a
    /// browser sends the rest percent-encoded): a line break or other character that cannot be a Location header is
    /// refused like any other bad address, before the sign-in.
    /// </summary>
    public static string LocalConsoleUrl(string? url) =>
        url is { Length: > 0 } && url.StartsWith(ConsoleExtensions.Path, StringComparison.Ordinal) && !url.StartsWith("//", StringComparison.Ordinal)
            && !url.Contains('\\', StringComparison.Ordinal) && url.All(c => c is > ' ' and <= '~')
            ? url
            : ConsoleExtensions.Path;
}

/// <summary>The frame of every console page.</summary>
public sealed record ConsoleShell(string Title, string Section, string? User, string CsrfField, string CsrfToken, string? Notice, string? Error);
