using System.Text.Json;

namespace CloudAlmBridge.Mapping;

/// <summary>What a mapping is evaluated against.</summary>
/// <param name="Source">
/// For a request or a path: the change message's <c>resource</c>. For a response section: the ticket system's answer
/// below <c>responseRoot</c>.
/// </param>
/// <param name="UserVariables">The subscription's values for <c>#{@USER_VAR(x)}</c>.</param>
/// <param name="CloudAlmUrl">The value of <c>#{@CLOUD_ALM_URL}</c>.</param>
/// <param name="ExternalId">The linked ticket's id: <c>#{externalId}</c> and <c>#{@CLOUD_ALM_EXTERNAL_ID}</c>.</param>
public readonly record struct MappingContext(
    JsonElement Source,
    IReadOnlyDictionary<string, string>? UserVariables = null,
    string? CloudAlmUrl = null,
    string? ExternalId = null)
{
    /// <summary>The same context reading another source (the ticket system's answer instead of the message).</summary>
    public MappingContext WithSource(JsonElement source) => this with { Source = source };
}
