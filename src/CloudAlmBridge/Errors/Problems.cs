using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudAlmBridge.Errors;

/// <summary>RFC 9457 problems with a stable title per kind and, where there are several, every error listed.</summary>
internal static class Problems
{
    public static ProblemHttpResult Create(int statusCode, string title, string detail, IEnumerable<string>? errors = null,
        IDictionary<string, object?>? extensions = null)
    {
        var all = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>());
        if (errors is not null)
        {
            all["errors"] = errors.ToArray();
        }

        return TypedResults.Problem(detail: detail, statusCode: statusCode, title: title, extensions: all);
    }
}
