using Microsoft.AspNetCore.Mvc;

namespace CloudAlmBridge.Errors;

/// <summary>
/// A problem a route answers, declared next to the code that answers it, for the OpenAPI document: its status, when it
/// happens, and an example with the title, detail and errors the route really sends.
/// </summary>
internal sealed record ProblemExample(int StatusCode, string Name, string When, string? Title, string? Detail,
    IReadOnlyList<string>? Errors = null, IReadOnlyDictionary<string, object?>? Extensions = null)
{
    /// <summary>The body as the route writes it: built like <see cref="Problems.Create"/> builds it (type and title defaults included).</summary>
    public ProblemDetails ToProblemDetails()
    {
        var extensions = new Dictionary<string, object?>(Extensions ?? new Dictionary<string, object?>());
        if (Errors is not null)
        {
            extensions["errors"] = Errors.ToArray();
        }

        return TypedResults.Problem(detail: Detail, statusCode: StatusCode, title: Title, extensions: extensions).ProblemDetails;
    }
}

internal static class ProblemExampleExtensions
{
    /// <summary>
    /// Declares that the route (or every route of a group) answers this problem: <c>application/problem+json</c> with
    /// <paramref name="statusCode"/>, documented with <paramref name="when"/> and an example named <paramref name="name"/>.
    /// </summary>
    public static TBuilder AnswersProblem<TBuilder>(this TBuilder builder, int statusCode, string name, string when, string? title,
        string? detail = null, IReadOnlyList<string>? errors = null, IReadOnlyDictionary<string, object?>? extensions = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(
            new ProblemExample(statusCode, name, when, title, detail, errors, extensions),
            new ProducesResponseTypeMetadata(statusCode, typeof(ProblemDetails), ["application/problem+json"]));
}
