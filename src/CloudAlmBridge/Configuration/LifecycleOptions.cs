namespace CloudAlmBridge.Configuration;

public sealed class LifecycleOptions
{
    public const string Skip = "Skip";
    public const string CreateAndClose = "CreateAndClose";
    public const string Auto = "Auto";
    public const string Always = "Always";

    /// <summary>A CLOSED event for a situation with no ticket: <c>Skip</c> (default) or <c>CreateAndClose</c>.</summary>
    public string CloseWithoutTicket { get; set; } = Skip;

    /// <summary>
    /// The look-up before a create: <c>Auto</c> (default) skips it where the bridge's own records prove that no create
    /// of the situation can have been sent before and the situation started within <see cref="LookupSkipWindow"/>;
    /// <c>Always</c> asks before every create.
    /// </summary>
    public string LookupBeforeCreate { get; set; } = Auto;

    /// <summary>
    /// Under <c>Auto</c>, how recently the situation must have started (its <c>resource.startTime</c>, against the
    /// bridge's clock) for the look-up to be skipped: an older situation may have a ticket the bridge's records do not
    /// know (a restored database, a second system that creates tickets).
    /// </summary>
    public TimeSpan LookupSkipWindow { get; set; } = TimeSpan.FromMinutes(10);
}
