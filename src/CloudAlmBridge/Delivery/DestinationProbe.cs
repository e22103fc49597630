using CloudAlmBridge.Configuration;
using CloudAlmBridge.Errors;
using CloudAlmBridge.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudAlmBridge.Delivery;

/// <summary>
/// "Test connection": one harmless read on a destination through the same client, TLS settings and authentication as a
/// delivery, reported in words: reachable or not, certificate trusted or not, credentials accepted or not.
/// </summary>
internal sealed class DestinationProbe(ActiveConfiguration configuration, TicketSystemClient client)
{
    /// <summary>Null when no destination has this name.</summary>
    public async Task<DestinationTestResult?> TestAsync(string name, CancellationToken cancellationToken)
    {
        var options = configuration.Current.Options;
        var destination = options.Destinations.FirstOrDefault(d => string.Equals(d.Key, name, StringComparison.OrdinalIgnoreCase));
        if (destination.Value is null)
        {
            return null;
        }

        // The first webhook on the destination says what kind of system it is; without one, its URL is read as a generic target.
        var webhook = options.Webhooks.OrderBy(w => w.Key, StringComparer.OrdinalIgnoreCase)
            .FirstOrDefault(w => string.Equals(w.Value.Destination, destination.Key, StringComparison.OrdinalIgnoreCase));
        var resolved = new ResolvedWebhook(webhook.Key ?? destination.Key, webhook.Value ?? new WebhookOptions { Path = string.Empty },
            destination.Key, destination.Value);
        var (method, url) = HarmlessCall(resolved);
        var https = url.StartsWith("https:", StringComparison.OrdinalIgnoreCase);
        try
        {
            try
            {
                await client.SendAsync(new TicketRequest(resolved, method, url, null, "test connection"), cancellationToken);
            }
            catch (TicketSystemException exception) when (method == "HEAD" && exception.StatusCode == StatusCodes.Status405MethodNotAllowed)
            {
                // Some targets answer only GET on a collection: the same question, asked the other way.
                method = "GET";
                await client.SendAsync(new TicketRequest(resolved, method, url, null, "test connection"), cancellationToken);
            }

            return new DestinationTestResult(destination.Key, $"{method} {url}", true, https ? true : null, true,
                $"{destination.Key} is reachable{(https ? ", its certificate is trusted" : string.Empty)} and the credentials were accepted.", null);
        }
        catch (TicketSystemException exception) when (exception.IsConfigurationProblem)
        {
            return new DestinationTestResult(destination.Key, $"{method} {url}", true, false, null,
                $"{destination.Key} answers, but its certificate is not trusted: nothing can be delivered there until Bridge:Destinations:{destination.Key}:TrustedCaFile names the authority that issued it.",
                exception.Message);
        }
        catch (TicketSystemException exception) when (exception.StatusCode is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden)
        {
            return new DestinationTestResult(destination.Key, $"{method} {url}", true, https ? true : null, false,
                $"{destination.Key} is reachable, but it refused the credentials ({exception.StatusCode}): check Bridge:Destinations:{destination.Key}:Authentication.",
                exception.Message);
        }
        catch (TicketSystemException exception) when (exception.StatusCode is { } status)
        {
            // An answer, even an error, shows that the connection and the TLS handshake work and the credentials were not refused.
            return new DestinationTestResult(destination.Key, $"{method} {url}", true, https ? true : null, null,
                $"{destination.Key} is reachable and did not refuse the credentials, but answered {status}: check the webhook's path.", exception.Message);
        }
        catch (TicketSystemException exception)
        {
            return new DestinationTestResult(destination.Key, $"{method} {url}", false, null, null,
                $"{destination.Key} could not be reached: check its URL, the network and any proxy.", exception.Message);
        }
    }

    /// <summary>A read that changes nothing: ServiceNow one row of the webhook's table, Jira the caller itself, generic the webhook path.</summary>
    private static (string Method, string Url) HarmlessCall(ResolvedWebhook webhook)
    {
        if (webhook.IsServiceNow)
        {
            return ("GET", webhook.ResourceUrl + "?sysparm_limit=1");
        }

        return webhook.IsJira
            ? ("GET", webhook.Destination.Url!.TrimEnd('/') + "/rest/api/2/myself")
            : ("HEAD", webhook.ResourceUrl);
    }
}

/// <summary>
/// The outcome of a test connection. A null answer is "not known": the test did not get that far (no TLS on http, no
/// verdict on credentials when the certificate was refused).
/// </summary>
public sealed record DestinationTestResult(string Destination, string Call, bool Reachable, bool? TlsTrusted, bool? CredentialsAccepted,
    string Summary, string? Detail);

/// <summary><c>POST /api/v1/destinations/{name}/test</c>: the console's test connection, for scripts.</summary>
internal static class DestinationProbeEndpoints
{
    public static RouteHandlerBuilder MapDestinationTest(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/destinations/{name}/test", TestAsync)
            .WithTags("Configuration")
            .RequireAuthorization(Roles.Admin)
            .AnswersProblem(StatusCodes.Status404NotFound, "unknownDestination", "No destination has this name.", "Unknown destination",
                "No destination 'servicenow' exists.")
            .WithName("TestDestination")
            .WithSummary("A harmless call (ServiceNow: GET of the webhook's table with sysparm_limit=1; Jira: GET /rest/api/2/myself; generic: HEAD of the webhook path) that says whether the destination is reachable, its certificate trusted and the credentials accepted.");

    private static async Task<Results<Ok<DestinationTestResult>, ProblemHttpResult>> TestAsync(
        [System.ComponentModel.Description("The destination's name under Bridge:Destinations, compared ignoring case.")] string name, DestinationProbe probe,
        HttpContext context, ILogger<DestinationProbe> logger, CancellationToken cancellationToken)
    {
        var result = await probe.TestAsync(name, cancellationToken);
        if (result is null)
        {
            return Problems.Create(StatusCodes.Status404NotFound, "Unknown destination", $"No destination '{name}' exists.");
        }

        DeliveryLog.DestinationTested(logger, result.Destination, context.User.Identity?.Name ?? "(unknown)", result.Summary);
        return TypedResults.Ok(result);
    }
}
