namespace CloudAlmBridge.Configuration;

public sealed class LifecycleOptions
{
    public const string Skip = "Skip";
    public const string CreateAndClose = "CreateAndClose";

    /// <summary>A CLOSED event for a situation with no ticket: <c>Skip</c> (default) or <c>CreateAndClose</c>.</summary>
    public string CloseWithoutTicket { get; set; } = Skip;
}
