using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace CloudAlmBridge.Security;

/// <summary>
/// Why a call was refused, in the problem's <c>detail</c>: a <c>401</c> says whether credentials were missing or not
/// accepted (for a secret: "unknown client or wrong secret", never which of the two), a <c>403</c> names the role the
/// route needs. The status code pages middleware writes these problems; this fills in their detail.
/// </summary>
internal static class AccessProblems
{
    private static readonly object FailureKey = new();

    /// <summary>
    /// Keeps why a scheme refused the credentials: the authentication middleware keeps only a success, and the 401 is
    /// written later, by the status code pages. Returns the failed result.
    /// </summary>
    public static AuthenticateResult Refused(HttpContext context, string reason) => AuthenticateResult.Fail(Remember(context, reason));

    /// <summary>The same for a scheme that fails through its own context (<c>context.Fail(reason)</c>).</summary>
    public static string Remember(HttpContext context, string reason)
    {
        context.Items[FailureKey] = reason;
        return reason;
    }

    public static void Explain(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        switch (context.ProblemDetails.Status)
        {
            case StatusCodes.Status401Unauthorized when context.ProblemDetails.Detail is null:
                var failure = http.Items.TryGetValue(FailureKey, out var recorded) ? recorded as string : null;
                context.ProblemDetails.Detail = failure is not null
                    ? $"The credentials were not accepted: {Sentence(failure)} Send those of a client in Bridge:Security:Clients."
                    : HasCredentials(http)
                        ? "The credentials were not accepted: the Authorization scheme is not one the bridge takes (Basic or Bearer)."
                        : "No credentials: send Basic credentials of a client in Bridge:Security:Clients, a bearer token from POST /oauth/token, or a registered client certificate.";
                break;

            case StatusCodes.Status403Forbidden when context.ProblemDetails.Detail is null:
                var needed = http.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>()
                    .Select(a => a.Policy ?? a.Roles).FirstOrDefault(p => p is not null);
                var roles = http.User.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList();
                var who = http.User.Identity?.Name is { Length: > 0 } name ? $"client '{name}'" : "this client";
                context.ProblemDetails.Detail = needed is null
                    ? $"{who} may not call this route."
                    : $"This route needs the role '{needed}'; {who} has {(roles.Count == 0 ? "no role" : $"the role(s) {string.Join(", ", roles.Select(r => $"'{r}'"))}")}.";
                break;
        }
    }

    private static bool HasCredentials(HttpContext http) => http.Request.Headers.Authorization.Count > 0;

    private static string Sentence(string message)
    {
        var text = message.Trim();
        return text.EndsWith('.') ? char.ToLowerInvariant(text[0]) + text[1..] : char.ToLowerInvariant(text[0]) + text[1..] + ".";
    }
}
