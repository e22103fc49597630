using System.Text.Json;
using System.Text.Json.Nodes;

namespace CloudAlmBridge.Mappings;

/// <summary>What the mapping would send, and what it would read from the sample answer (<c>null</c> without one).</summary>
public sealed record PreviewAnswer(string EventType, PreviewHttpRequest Request, JsonObject? Response);

/// <summary>The request: <c>url</c> is absolute when a subscription was named, else the operation's path alone; <c>body</c> is <c>null</c> for a GET.</summary>
public sealed record PreviewHttpRequest(string Method, string Url, JsonElement? Body);
