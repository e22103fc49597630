using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CloudAlmBridge.OpenApi;

/// <summary>
/// Who may call each operation, as its endpoint's authorization says: a route that requires a role gets the security
/// requirement (Basic, or a bridge token with the role as scope, either will do), and Swagger UI its lock; a route
/// open to anyone (the token endpoint, the ServiceNow sandbox) gets none, so nobody is asked to log in for it.
/// </summary>
internal sealed class OperationAccess : IOpenApiOperationTransformer
{
    /// <summary>The roles the endpoint requires, or null when anyone may call it.</summary>
    public static IReadOnlyList<string>? RequiredRoles(IList<object> endpointMetadata)
    {
        var authorize = endpointMetadata.OfType<IAuthorizeData>().ToList();
        if (authorize.Count == 0 || endpointMetadata.OfType<IAllowAnonymous>().Any())
        {
            return null;
        }

        // The bridge's policies are named after the role they require (Roles.Events, Roles.Admin).
        return authorize.Select(a => a.Policy ?? a.Roles).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (RequiredRoles(context.Description.ActionDescriptor.EndpointMetadata) is not { } roles)
        {
            // An explicit empty requirement: this route needs no login (not "the document's default").
            operation.Security = [];
            return Task.CompletedTask;
        }

        // Two requirements: OpenAPI reads them as alternatives.
        operation.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApiExtensions.BasicScheme, context.Document)] = [] },
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApiExtensions.TokenScheme, context.Document)] = [.. roles] },
        ];
        return Task.CompletedTask;
    }
}
