using System.Net.Http.Headers;
using System.Text.Json;
using Polly.Timeout;

namespace CloudAlmBridge.Delivery;

/// <summary>The typed client for every ticket system: sends a mapped request and returns its answer or a clear error.</summary>
internal sealed class TicketSystemClient(HttpClient httpClient, TimeProvider timeProvider)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    public async Task<TicketSystemAnswer> SendAsync(TicketRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Url);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        message.Options.Set(DestinationAuthenticationHandler.DestinationKey, request.Webhook.Destination);
        message.Options.Set(DestinationSlots.DestinationNameKey, request.Webhook.DestinationName);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.ContentType = Json;
        }

        HttpResponseMessage response;
        try
        {
            response = await httpClient.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (AnswerTooLargeException exception)
        {
            // For a create the outcome is unknown: transient, so the next attempt looks the ticket up first.
            throw new TicketSystemException(
                $"{request.Method} {request.Url} {exception.Message}", exception.Status, null, exception, transient: true);
        }
        catch (HttpRequestException exception)
        {
            throw new TicketSystemException(
                $"{request.Webhook.DestinationName} could not be reached: {exception.Message}", null, exception.Message, exception);
        }
        catch (TimeoutRejectedException exception)
        {
            throw new TicketSystemException(
                $"{request.Webhook.DestinationName} did not answer in time", null, exception.Message, exception);
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
                // ServiceNow names a data policy's mandatory fields by label: say which field it is and where it comes from.
                var policy = status == 403 && request.Webhook.IsServiceNow
                    ? ServiceNowDataPolicy.Explain(targetMessage, request.Webhook.Options.Path, request.Body)
                    : null;
                throw new TicketSystemException(
                    $"{request.Webhook.DestinationName} answered {status} to {request.Method}: {targetMessage ?? response.ReasonPhrase}"
                        + (policy is null ? string.Empty : $". {policy}"),
                    status, targetMessage, retryAfter: RetryAfterHeader.Read(response, timeProvider.GetUtcNow()));
            }

            return new TicketSystemAnswer(status, ParseBody(body));
        }
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
