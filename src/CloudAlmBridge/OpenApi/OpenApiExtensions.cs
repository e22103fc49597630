using System.Text.Json.Nodes;
using CloudAlmBridge.Errors;
using Microsoft.OpenApi;

namespace CloudAlmBridge.OpenApi;

internal static class OpenApiExtensions
{
    private const string DocumentName = "v1";

    /// <summary>The OpenAPI document (Microsoft.AspNetCore.OpenApi) with Basic auth and a ready example change message.</summary>
    public static IHostApplicationBuilder AddBridgeOpenApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "CloudAlmBridge";
                document.Info.Description =
                    "Bridges SAP Cloud ALM event situations to ServiceNow, Jira or any REST ticket system. " +
                    "Authorize with a client from Bridge:Security:Clients (role 'events' for /api/v1/events, 'admin' for the rest).";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["basic"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "basic",
                    Description = "A client of Bridge:Security:Clients: its name and secret.",
                };
                document.Components.SecuritySchemes["token"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.OAuth2,
                    Description = "The bridge's own token endpoint: a client's name and secret as client id and secret.",
                    Flows = new OpenApiOAuthFlows
                    {
                        ClientCredentials = new OpenApiOAuthFlow
                        {
                            TokenUrl = new Uri("/oauth/token", UriKind.Relative),
                            Scopes = new Dictionary<string, string> { ["events"] = "post Cloud ALM events", ["admin"] = "the management API" },
                        },
                    },
                };

                // Either one will do (two requirements: OpenAPI reads them as alternatives).
                document.Security =
                [
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("basic", document)] = [] },
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("token", document)] = [] },
                ];
                return Task.CompletedTask;
            });
            options.AddOperationTransformer(async (operation, context, cancellationToken) =>
            {
                // Routes that read their JSON body by hand (AcceptsJsonBody) have no body parameter to describe it.
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<JsonBodyMetadata>().FirstOrDefault() is { } body)
                {
                    operation.RequestBody = new OpenApiRequestBody
                    {
                        Required = true,
                        Content = new Dictionary<string, OpenApiMediaType>
                        {
                            ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(body.BodyType, null, cancellationToken) },
                        },
                    };
                }

                // Swagger UI fills the request body with these, so "Try it out" sends a real message, mapping or preview.
                var endpoint = metadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName;
                var example = endpoint switch
                {
                    "PostEvent" or "PostEventForTicket" or "PatchEventForTicket" or "PutEventForTicket" => Examples.ChangeMessage,
                    "PutMapping" => Examples.Mapping,
                    "PreviewMapping" => Examples.Preview,
                    "PreviewInlineMapping" => Examples.InlinePreview,
                    _ => null,
                };
                if (example is not null && operation.RequestBody?.Content is { } content && content.TryGetValue("application/json", out var media))
                {
                    media.Example = JsonNode.Parse(example);
                }
            });
        });
        return builder;
    }

    /// <summary><c>/openapi/v1.json</c> and Swagger UI at <c>/swagger</c>.</summary>
    public static WebApplication MapBridgeOpenApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint($"/openapi/{DocumentName}.json", "CloudAlmBridge v1");
            options.RoutePrefix = "swagger";
            options.DocumentTitle = "CloudAlmBridge";
        });
        return app;
    }
}
