namespace CloudAlmBridge.Security;

/// <summary>
/// State changes over the REST API are refused when a browser could have sent them from another site with the
/// credentials it remembers: the API answers <c>WWW-Authenticate: Basic</c>, so a browser that signed in once sends
/// Basic credentials on every request to the bridge, also on a form or a no-cors fetch that another site starts. Such a
/// request is marked by the browser (<c>Sec-Fetch-Site</c> other than same-origin, or an <c>Origin</c> of another host)
/// or carries a body type that HTML forms send (form, multipart, text/plain); no route of the API takes either. Cloud ALM, scripts and Swagger UI send
/// neither. The console has its own antiforgery tokens; the token endpoint changes nothing.
/// </summary>
internal static class CrossSiteRequests
{
    public const string CrossSiteDetail =
        "This state-changing request came from another site (Sec-Fetch-Site): the API takes state changes only from its own pages, scripts and servers.";

    public const string FormBodyDetail =
        "State changes over the API take a JSON body or none: a form or text/plain body is what another site's page can send with a browser's saved credentials.";

    public static WebApplication UseBridgeCrossSiteRefusal(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (Refusal(context.Request) is { } refusal)
            {
                // A form body is the wrong media type on every route of the API: 415, as the JSON routes answer it anyway.
                await (refusal == FormBodyDetail
                    ? Errors.Problems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type", refusal)
                    : Errors.Problems.Create(StatusCodes.Status403Forbidden, "Cross-site request refused", refusal)).ExecuteAsync(context);
                return;
            }

            await next(context);
        });
        return app;
    }

    /// <summary>Why the request is refused, or null. Only unsafe methods on <c>/api</c> are looked at.</summary>
    public static string? Refusal(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || !request.Path.StartsWithSegments("/api"))
        {
            return null;
        }

        // Set by every current browser; "none" is a navigation the user started (never a POST), "same-origin" the bridge's own pages.
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && !string.Equals(site, "same-origin", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(site, "none", StringComparison.OrdinalIgnoreCase))
        {
            return CrossSiteDetail;
        }

        // Browsers without Fetch Metadata still name the page's origin on every cross-origin POST (a form, a no-cors
        // fetch without a body): another host is another site. The host alone is compared: behind a TLS proxy the
        // bridge may see http and another port for the page's https origin.
        if (request.Headers.Origin.ToString() is { Length: > 0 } origin
            && (!Uri.TryCreate(origin, UriKind.Absolute, out var page) || !string.Equals(page.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase)))
        {
            return CrossSiteDetail;
        }

        return request.ContentType is { } type && IsFormType(type) ? FormBodyDetail : null;
    }

    // The body types an HTML form (or a "simple" cross-origin fetch) can send without a CORS preflight.
    private static bool IsFormType(string contentType)
    {
        var mediaType = contentType.Split(';', 2)[0].Trim();
        return string.Equals(mediaType, "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || string.Equals(mediaType, "multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || string.Equals(mediaType, "text/plain", StringComparison.OrdinalIgnoreCase);
    }
}
