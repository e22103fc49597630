using System.Text.Json;
using System.Text.Json.Nodes;

namespace CloudAlmBridge.Mappings;

/// <summary>What the mapping would send, and what it would read from <see cref="PreviewRequest.Response"/>.</summary>
public sealed record PreviewAnswer(string EventType, PreviewHttpRequest Request, JsonObject? Response);

/// <summary><see cref="Url"/> is absolute when a subscription was named, else the operation's path alone.</summary>
public sealed record PreviewHttpRequest(string Method, string Url, JsonElement? Body);
