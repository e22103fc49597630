using System.Text.Json;

namespace CloudAlmBridge.Delivery;

/// <summary>Reads a ticket system's own error message out of its error body.</summary>
internal static class TicketSystemErrors
{
    private const int MaxLength = 1000;

    /// <summary>
    /// ServiceNow: <c>{"error":{"message","detail"},"status":"failure"}</c>; Jira: <c>{"errorMessages":[],"errors":{}}</c>;
    /// an OAuth2 token endpoint: <c>{"error","error_description"}</c>; anything else: the body's start.
    /// </summary>
    public static string? Extract(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("error", out var error))
                {
                    if (error.ValueKind == JsonValueKind.Object)
                    {
                        var message = Text(error, "message");
                        var detail = Text(error, "detail");
                        return Truncate(detail is null ? message : message is null ? detail : $"{message}: {detail}");
                    }

                    if (error.ValueKind == JsonValueKind.String)
                    {
                        // OAuth2 (RFC 6749 §5.2): the code, and the issuer's description of it when there is one.
                        var description = Text(root, "error_description");
                        return Truncate(description is null ? error.GetString() : $"{error.GetString()}: {description}");
                    }
                }

                if (root.TryGetProperty("errorMessages", out var messages) || root.TryGetProperty("errors", out _))
                {
                    var parts = new List<string>();
                    if (messages.ValueKind == JsonValueKind.Array)
                    {
                        parts.AddRange(messages.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!));
                    }

                    if (root.TryGetProperty("errors", out var fields) && fields.ValueKind == JsonValueKind.Object)
                    {
                        parts.AddRange(fields.EnumerateObject().Select(f => $"{f.Name}: {(f.Value.ValueKind == JsonValueKind.String ? f.Value.GetString() : f.Value.GetRawText())}"));
                    }

                    if (parts.Count > 0)
                    {
                        return Truncate(string.Join("; ", parts));
                    }
                }

                if (Text(root, "message") is { } plain)
                {
                    return Truncate(plain);
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (an HTML error page from a proxy): fall through to the raw text.
        }

        return Truncate(body.Trim());
    }

    /// <summary>
    /// Where a redirect points, as scheme, host and path only: a relative <c>Location</c> (<c>/login.do</c>) is
    /// resolved against the request, and user info or a query (which may hold a token) is never repeated.
    /// </summary>
    public static string? RedirectTarget(HttpResponseMessage response)
    {
        if (response.Headers.Location is not { } location)
        {
            return null;
        }

        var absolute = location.IsAbsoluteUri ? location
            : response.RequestMessage?.RequestUri is { } requested ? new Uri(requested, location)
            : null;
        return absolute?.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped) ?? location.OriginalString.Split('?')[0];
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : null;

    private static string? Truncate(string? text) => text is { Length: > MaxLength } ? text[..MaxLength] + "…" : text;
}
