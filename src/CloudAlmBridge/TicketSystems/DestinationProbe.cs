using System.Text.Json;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Delivery;
using CloudAlmBridge.Errors;
using CloudAlmBridge.Mapping;
using CloudAlmBridge.Vocabulary;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudAlmBridge.TicketSystems;

/// <summary>
/// "Test connection": one harmless read on a destination through the same client, TLS settings and authentication as a
/// delivery, reported in words: reachable or not, certificate trusted or not, credentials accepted or not; and, where the
/// destination's ticket system has a look-up before a create, which system it found (Jira Cloud or Data Center) and
/// whether that look-up works.
/// </summary>
internal sealed class DestinationProbe(ActiveConfiguration configuration, TicketSystemRegistry systems)
{
    /// <summary>A situation id no ticket carries: the look-up's question, answered "none" by a search that works.</summary>
    public const string ProbeSituationId = "bridge-test-connection";

    /// <summary>Why a test of <paramref name="name"/> found nothing to test, in the words the API and the console both use.</summary>
    public static string Unknown(string name) => $"No destination '{name}' exists.";

    /// <summary>Null when no destination has this name (<see cref="Unknown"/> says so).</summary>
    public async Task<DestinationTestResult?> TestAsync(string name, CancellationToken cancellationToken)
    {
        var options = configuration.Current.Options;
        var destination = options.Destinations.FirstOrDefault(d => string.Equals(d.Key, name, StringComparison.OrdinalIgnoreCase));
        if (destination.Value is null)
        {
            return null;
        }

        // The first webhook on the destination says what kind of system it is (a resolved one, with its look-up, when a
        // subscription uses it); without one, its URL is read as a generic target.
        var webhook = options.Webhooks.OrderBy(w => w.Key, StringComparer.OrdinalIgnoreCase)
            .FirstOrDefault(w => string.Equals(w.Value.Destination, destination.Key, StringComparison.OrdinalIgnoreCase));
        var resolved = configuration.Current.Subscriptions.Values.Select(s => s.Webhook)
                           .FirstOrDefault(w => webhook.Key is not null && string.Equals(w.Name, webhook.Key, StringComparison.OrdinalIgnoreCase))
                       ?? new ResolvedWebhook(webhook.Key ?? destination.Key, webhook.Value ?? new WebhookOptions { Path = string.Empty },
                           destination.Key, destination.Value);
        var system = systems.For(resolved);
        var call = system.HarmlessCall(resolved);
        var https = call.Url.StartsWith("https:", StringComparison.OrdinalIgnoreCase);
        try
        {
            try
            {
                await system.SendAsync(call, cancellationToken);
            }
            catch (TicketSystemException exception) when (call.Method == "HEAD" && exception.StatusCode == StatusCodes.Status405MethodNotAllowed)
            {
                // Some targets answer only GET on a collection: the same question, asked the other way.
                call = call with { Method = "GET" };
                await system.SendAsync(call, cancellationToken);
            }

            var lookup = await CheckLookupAsync(system, resolved, cancellationToken);
            return new DestinationTestResult(destination.Key, Describe(call), true, https ? true : null, true,
                $"{destination.Key} is reachable{(https ? ", its certificate is trusted" : string.Empty)} and the credentials were accepted."
                + (lookup is null ? string.Empty : $" {lookup.Summary}"),
                null, lookup?.Works, lookup?.System);
        }
        catch (TicketSystemException exception) when (exception.IsConfigurationProblem)
        {
            return new DestinationTestResult(destination.Key, Describe(call), true, false, null,
                $"{destination.Key} answers, but its certificate is not trusted: nothing can be delivered there until Bridge:Destinations:{destination.Key}:TrustedCaFile names the authority that issued it.",
                exception.Message);
        }
        catch (TicketSystemException exception) when (exception.StatusCode is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden)
        {
            return new DestinationTestResult(destination.Key, Describe(call), true, https ? true : null, false,
                $"{destination.Key} is reachable, but it refused the credentials ({exception.StatusCode}): check Bridge:Destinations:{destination.Key}:Authentication.",
                exception.Message);
        }
        catch (TicketSystemException exception) when (exception.StatusCode is { } status)
        {
            // An answer, even an error, shows that the connection and the TLS handshake work; whether the credentials are
            // accepted only an authenticated answer can show: the look-up's, where there is one.
            var lookup = await CheckLookupAsync(system, resolved, cancellationToken);
            var reachable = $"{destination.Key} is reachable{(https ? ", its certificate is trusted" : string.Empty)}";
            if (lookup is { Works: true, ProvedCredentials: true })
            {
                return new DestinationTestResult(destination.Key, Describe(call), true, https ? true : null, true,
                    $"{reachable} and the credentials were accepted by its look-up ({Describe(call)} answered {status}). {lookup.Summary}",
                    exception.Message, true, lookup.System);
            }

            var advice = (system, resolved.Options.TestPath) switch
            {
                (GenericRestSystem, null) => "that shows the connection, not whether the credentials are accepted, which were not tried by a call that needs them; "
                    + $"name a harmless GET that needs them in Bridge:Webhooks:{resolved.Name}:TestPath (e.g. '?limit=1') to try them",
                (GenericRestSystem, _) => $"check Bridge:Webhooks:{resolved.Name}:TestPath: it should name a GET the target answers 2xx with valid credentials",
                _ => "check the webhook's path",
            };
            return new DestinationTestResult(destination.Key, Describe(call), true, https ? true : null, null,
                $"{reachable}, but {Describe(call)} answered {status}: {advice}." + (lookup is null ? string.Empty : $" {lookup.Summary}"),
                exception.Message, lookup?.Works, lookup?.System);
        }
        catch (TicketSystemException exception)
        {
            return new DestinationTestResult(destination.Key, Describe(call), false, null, null,
                $"{destination.Key} could not be reached: check its URL, the network and any proxy.", exception.Message);
        }
    }

    /// <summary>
    /// The webhook's look-up, asked for a situation no ticket carries: a search that works answers "none". Null where
    /// the webhook has no look-up. What this says is also what <c>--check</c> prints for a Jira webhook.
    /// </summary>
    public static async Task<LookupCheck?> CheckLookupAsync(TicketSystem system, ResolvedWebhook webhook, CancellationToken cancellationToken)
    {
        string described;
        try
        {
            var capability = await system.LookupCapabilityAsync(webhook, cancellationToken);
            if (!capability.CanLookUp)
            {
                return null;
            }

            described = capability.Description ?? "its look-up";
            using var resource = JsonDocument.Parse($$"""{"id":"{{ProbeSituationId}}"}""");
            var query = new LookupQuery(webhook, ProbeSituationId, null, new MappingContext(resource.RootElement.Clone()), "test connection");
            var result = await system.LookUpAsync(query, cancellationToken);
            return result.Verdict == LookupVerdict.Refused
                ? new LookupCheck(false, described, $"Its look-up before a create does not work ({described}): {result.Reason}")
                : new LookupCheck(true, described, $"Its look-up before a create works ({described}).", result.Answered2xx);
        }
        catch (TicketSystemException exception)
        {
            return new LookupCheck(false, null, $"Its look-up before a create could not be tried: {exception.Message}");
        }
    }

    private static string Describe(TicketRequest call) => $"{call.Method} {call.Url}";
}

/// <summary>What the look-up check found: whether it works, the system it found, a sentence, and whether a success answered it (which proves the credentials).</summary>
internal sealed record LookupCheck(bool Works, string? System, string Summary, bool ProvedCredentials = false);

/// <summary>
/// The outcome of a test connection. A null answer is "not known": the test did not get that far (no TLS on http, no
/// verdict on credentials when the certificate was refused). <see cref="LookupWorks"/> and <see cref="TicketSystem"/>
/// are set where the ticket system has a look-up before a create (ServiceNow, Jira, a generic target with one).
/// </summary>
public sealed record DestinationTestResult(string Destination, string Call, bool Reachable, bool? TlsTrusted, bool? CredentialsAccepted,
    string Summary, string? Detail, bool? LookupWorks = null, string? TicketSystem = null);

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
            .WithSummary("A harmless call (ServiceNow: GET of the webhook's table with sysparm_limit=1; Jira: GET /rest/api/2/myself; generic: GET of the webhook's TestPath, else HEAD of the webhook path) that says whether the destination is reachable, its certificate trusted and the credentials accepted; then the look-up before a create, for a situation no ticket carries (Jira: which deployment, and whether its search works).");

    private static async Task<Results<Ok<DestinationTestResult>, ProblemHttpResult>> TestAsync(
        [System.ComponentModel.Description("The destination's name under Bridge:Destinations, compared ignoring case.")] string name, DestinationProbe probe,
        HttpContext context, ILogger<DestinationProbe> logger, CancellationToken cancellationToken)
    {
        var result = await probe.TestAsync(name, cancellationToken);
        if (result is null)
        {
            return Problems.Create(StatusCodes.Status404NotFound, "Unknown destination", DestinationProbe.Unknown(name));
        }

        DeliveryLog.DestinationTested(logger, result.Destination, context.User.Identity?.Name ?? "(unknown)", result.Summary);
        return TypedResults.Ok(result);
    }
}
