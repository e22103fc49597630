namespace CloudAlmBridge.Errors;

/// <summary>The type a route reads from its JSON body by hand; the OpenAPI document describes the body from it.</summary>
internal sealed record JsonBodyMetadata(Type BodyType);

internal static class JsonBodyExtensions
{
    /// <summary>
    /// Requires a JSON body (<c>Content-Type: application/json</c> or <c>+json</c>) and answers <c>415</c> otherwise.
    /// Not <c>Accepts</c>: its content-type check runs while routing, before authorization, so a caller without
    /// credentials would learn the route's media type (and get 415) instead of a plain 401.
    /// </summary>
    public static RouteHandlerBuilder AcceptsJsonBody<T>(this RouteHandlerBuilder builder) => builder
        .WithMetadata(new JsonBodyMetadata(typeof(T)))
        .AnswersProblem(StatusCodes.Status415UnsupportedMediaType, "notJson", "The body is not sent as JSON.", "Unsupported Media Type",
            "The body must be JSON with Content-Type: application/json; the request had Content-Type 'text/plain'.")
        .AddEndpointFilter(async (context, next) =>
        {
            var request = context.HttpContext.Request;
            if (request.HasJsonContentType())
            {
                return await next(context);
            }

            var sent = string.IsNullOrEmpty(request.ContentType) ? "no Content-Type" : $"Content-Type '{request.ContentType}'";
            return Problems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type",
                $"The body must be JSON with Content-Type: application/json; the request had {sent}.");
        });
}
