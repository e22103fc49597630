using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text.Json;
using CloudAlmBridge.Delivery.Tls;
using Polly.Timeout;

namespace CloudAlmBridge.Delivery;

/// <summary>
/// The typed client for every ticket system: sends a mapped request and returns its answer or a clear error that names
/// the call (<c>POST https://acme.service-now.com/api/now/table/incident answered 404: …</c>). Every outcome is noted
/// in <see cref="DestinationHealth"/>.
/// </summary>
internal sealed class TicketSystemClient(HttpClient httpClient, TimeProvider timeProvider, TlsRejections tlsRejections, DestinationHealth health)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    public async Task<TicketSystemAnswer> SendAsync(TicketRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Url);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        message.Options.Set(DestinationAuthenticationHandler.DestinationKey, request.Webhook.Destination);
        message.Options.Set(DestinationSlots.DestinationNameKey, request.Webhook.DestinationName);
        if (request.OnSending is { } onSending)
        {
            message.Options.Set(DestinationSlots.OnSendingKey, onSending);
        }
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.ContentType = Json;
        }

        try
        {
            var answer = await SendCoreAsync(request, message, cancellationToken);
            health.RecordSuccess(request.Webhook.DestinationName);
            return answer;
        }
        catch (TicketSystemException exception)
        {
            if (exception.StatusCode is { } status && request.ExpectedStatuses.Contains(status))
            {
                health.RecordSuccess(request.Webhook.DestinationName);
            }
            else
            {
                health.RecordFailure(request.Webhook.DestinationName, exception.Message, exception.StatusCode,
                    exception.IsConfigurationProblem ? exception.Message : null);
            }

            throw;
        }
    }

    private async Task<TicketSystemAnswer> SendCoreAsync(TicketRequest request, HttpRequestMessage message, CancellationToken cancellationToken)
    {
        var call = request.Describe();
        HttpResponseMessage response;
        try
        {
            response = await httpClient.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (AnswerTooLargeException exception)
        {
            // For a create the outcome is unknown: transient, so the next attempt looks the ticket up first.
            throw TicketSystemException.AnswerTooLarge($"{call} {exception.Message}", exception.Status, exception);
        }
        catch (HttpRequestException exception) when (FindTlsFailure(exception) is not null && tlsRejections.Take(message.RequestUri!.IdnHost) is { } reason)
        {
            // A certificate the bridge does not trust will not become trusted by waiting: a configuration error, said
            // with the chain's own reason (the exception only says the validation callback refused).
            var host = message.RequestUri!.IdnHost;
            throw TicketSystemException.NotTrusted(
                $"{call} failed: the certificate of {host} is not trusted ({reason}); set Bridge:Destinations:{request.Webhook.DestinationName}:TrustedCaFile "
                    + "to the certificate authority that issued it, or correct the destination's URL",
                reason, exception);
        }
        catch (HttpRequestException exception)
        {
            // Before the request was written (no name, no connection, no TLS session) the ticket system cannot have
            // acted on it; after, a lost answer leaves a create's outcome unknown.
            throw TicketSystemException.NotReached(
                $"{call} failed: {request.Webhook.DestinationName} could not be reached: {Innermost(exception)}", exception.Message, exception,
                neverSent: exception.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError
                    or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError);
        }
        catch (TimeoutRejectedException exception)
        {
            throw TicketSystemException.TimedOut(
                $"{call} failed: {request.Webhook.DestinationName} did not answer in time", exception.Message, exception);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                // Redirects are never followed (they would carry credentials such as an API key header elsewhere).
                var targetMessage = status is >= 300 and < 400
                    ? $"a redirect to '{TicketSystemErrors.RedirectTarget(response)}', which the bridge does not follow: point the destination at the final URL"
                    : TicketSystemErrors.Extract(body);
                // What a refusal means in a ticket system's own terms is its adapter's to explain (TicketSystems/).
                throw TicketSystemException.Answered(
                    $"{call} answered {status}: {targetMessage ?? response.ReasonPhrase}",
                    status, targetMessage, RetryAfterHeader.Read(response, timeProvider.GetUtcNow()));
            }

            return new TicketSystemAnswer(status, ParseBody(body));
        }
    }

    private static AuthenticationException? FindTlsFailure(Exception exception)
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is AuthenticationException tls)
            {
                return tls;
            }
        }

        return null;
    }

    /// <summary>The most specific reason: <c>Connection refused (acme.service-now.com:443)</c>, not the wrapper's text.</summary>
    private static string Innermost(HttpRequestException exception)
    {
        var message = exception.Message;
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (!string.IsNullOrWhiteSpace(inner.Message) && !inner.Message.Contains("see inner exception", StringComparison.OrdinalIgnoreCase))
            {
                message = inner.Message;
            }
        }

        return message;
    }

    private static JsonElement ParseBody(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return default;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // A success without JSON (some REST targets answer text): nothing for a response mapping to read.
            return default;
        }
    }
}
