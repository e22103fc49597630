using System.Text.Json;

namespace CloudAlmBridge.Mappings;

/// <summary>A dry run of a mapping: nothing is sent, nothing is stored.</summary>
public sealed record PreviewRequest
{
    /// <summary>A change message, as Cloud ALM sends it.</summary>
    public JsonElement Message { get; init; }

    /// <summary>Optional: its webhook (for an absolute URL), user variables and Cloud ALM URL are used.</summary>
    public string? Subscription { get; init; }

    /// <summary>Optional: override the subscription's user variables, one by one.</summary>
    public Dictionary<string, string>? UserVariables { get; init; }

    /// <summary>Optional: the value of <c>#{@CLOUD_ALM_URL}</c>, over the subscription's.</summary>
    public string? CloudAlmUrl { get; init; }

    /// <summary>Optional: the ticket id for paths (<c>#{externalId}</c>).</summary>
    public string? ExternalId { get; init; }

    /// <summary>Optional: a sample answer of the ticket system, read through the response section.</summary>
    public JsonElement? Response { get; init; }

    /// <summary>Only for <c>POST /api/v1/mappings/preview</c>: the mapping document itself.</summary>
    public JsonElement? Mapping { get; init; }
}
