namespace CloudAlmBridge.Configuration;

/// <summary>
/// The links the bridge returns (the <c>Location</c> of a <c>201</c> or <c>202</c>): absolute under
/// <c>Bridge:PublicBaseUrl</c> when it is set (the address callers reach, behind a proxy that rewrites the path or the
/// host), relative to the request otherwise.
/// </summary>
internal static class PublicLinks
{
    public static string To(BridgeModel model, string path) =>
        model.Options.PublicBaseUrl is { Length: > 0 } baseUrl ? baseUrl.TrimEnd('/') + path : path;
}
