namespace CloudAlmBridge.Configuration;

public sealed class ClientOptions
{
    /// <summary>The client's secret (Basic password). Never returned by the API or written to a log.</summary>
    public string? Secret { get; set; }

    /// <summary><c>events</c> (Cloud ALM's calls) and/or <c>admin</c> (the management API).</summary>
    public List<string> Roles { get; set; } = [];
}
