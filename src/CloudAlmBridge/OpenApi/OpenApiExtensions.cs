using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CloudAlmBridge.OpenApi;

internal static class OpenApiExtensions
{
    public const string BasicScheme = "basic";
    public const string TokenScheme = "token";

    private const string DocumentName = "v1";

    /// <summary>Every tag the routes use, with what it holds.</summary>
    private static readonly Dictionary<string, string> Tags = new(StringComparer.Ordinal)
    {
        ["Events"] = "What Cloud ALM calls (role events): change messages of event situations, and PING.",
        ["Security"] = "The bridge's own OAuth 2.0 token endpoint (client credentials), as Cloud ALM's OAuth2ClientCredentials destination uses it.",
        ["Configuration"] = "The configuration in force, test connection, readiness with details and the Cloud ALM mapping of a subscription (role admin).",
        ["Mappings"] = "Mappings by name, stored over this API, and dry runs that send nothing (role admin).",
        ["Tickets and deliveries"] = "Situation-to-ticket links, deliveries with their attempts, dead letters and their replay, held situations (role admin).",
        ["ServiceNow sandbox (Development only)"] = "An in-process emulation of ServiceNow's Table API for the demo; not served outside Development.",
    };

    /// <summary>
    /// The OpenAPI document (Microsoft.AspNetCore.OpenApi): Basic and token login where a route needs it, named
    /// examples of every event type and of the answers, every problem a route answers, and the delivery states as enums.
    /// </summary>
    public static IHostApplicationBuilder AddBridgeOpenApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(DocumentName, options =>
        {
            // Free-form JSON (a mapping document, a ServiceNow record, a situation) stays inline as "any JSON": a
            // component named after the .NET type that holds it would mean nothing to a reader.
            options.CreateSchemaReferenceId = type =>
                (Nullable.GetUnderlyingType(type.Type) ?? type.Type) is var clr && (clr == typeof(JsonElement) || clr.IsAssignableTo(typeof(JsonNode)))
                    ? null
                    : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
            options.AddDocumentTransformer((document, context, _) =>
            {
                document.Info.Title = "CloudAlmBridge";
                document.Info.Description =
                    "Bridges SAP Cloud ALM event situations to ServiceNow, Jira or any REST ticket system. " +
                    "Authorize with a client configured under Bridge:Security:Clients: role 'events' for /api/v1/events, 'admin' for the management API. " +
                    "The token endpoint and the ServiceNow sandbox need no login.";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BasicScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "basic",
                    Description = "A client of Bridge:Security:Clients: its name and secret.",
                };
                document.Components.SecuritySchemes[TokenScheme] = new OpenApiSecurityScheme
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

                // No requirement for the whole document: each operation says its own (OperationAccess), so the routes
                // open to anyone show no lock.
                document.Security = null;

                // Whoever reads the document: the license, a sentence per tag, and the server, a base that paths are
                // appended to (no trailing slash): the public address (Bridge:PublicBaseUrl) when there is one, else
                // the address the document was read at.
                document.Info.License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-CloudAlmBridge-Proprietary" };
                document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
                var publicBaseUrl = context.ApplicationServices.GetRequiredService<Configuration.ActiveConfiguration>().Current.Options.PublicBaseUrl;
                if (publicBaseUrl is { Length: > 0 })
                {
                    document.Servers = [new OpenApiServer { Url = publicBaseUrl.TrimEnd('/') }];
                }

                foreach (var server in document.Servers ?? [])
                {
                    server.Url = server.Url?.TrimEnd('/');
                }

                return Task.CompletedTask;
            });
            options.AddOperationTransformer<OperationAccess>();
            options.AddOperationTransformer<BodyExamples>();
            options.AddOperationTransformer<ProblemAnswers>();
            options.AddOperationTransformer<StateSchemas>();
            options.AddSchemaTransformer<StateSchemas>();
            options.AddSchemaTransformer<ProblemSchema>();
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
