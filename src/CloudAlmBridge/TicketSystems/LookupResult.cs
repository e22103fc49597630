using CloudAlmBridge.Configuration;
using CloudAlmBridge.Mapping;

namespace CloudAlmBridge.TicketSystems;

/// <summary>What a look-up said: the ticket (with what the create's response section reads from it), none, or nothing usable.</summary>
internal sealed record LookupResult(LookupVerdict Verdict, MappedResponse? Mapped = null, string? TicketId = null, string? Reason = null)
{
    public static readonly LookupResult None = new(LookupVerdict.NotFound);

    /// <summary>"None" said by a <c>404</c>: what an API answers a wrong path or, before its authentication, anyone.</summary>
    public static readonly LookupResult NoneByNotFound = new(LookupVerdict.NotFound) { Answered2xx = false };

    /// <summary>The look-up was answered with a success: the credentials were accepted (what test connection reports).</summary>
    public bool Answered2xx { get; init; } = true;

    public static LookupResult FoundTicket(MappedResponse? mapped, string? ticketId) => new(LookupVerdict.Found, mapped, ticketId);

    public static LookupResult RefusedBy(string reason) => new(LookupVerdict.Refused, Reason: reason);
}

/// <summary>Whether a webhook has a look-up, and how long after a create its search may still miss the ticket.</summary>
internal readonly record struct LookupCapability(bool CanLookUp, TimeSpan SettleTime, string? Description = null)
{
    public static readonly LookupCapability None = new(false, TimeSpan.Zero, "no look-up");
}

/// <summary>
/// One look-up: the situation, and the create operation whose response section reads a found record (so a found
/// ticket is linked with the same number and status a create would have given); null when only the verdict matters.
/// </summary>
internal sealed record LookupQuery(ResolvedWebhook Webhook, string SituationId, OperationMapping? Create, MappingContext Context, string Step);

/// <summary>A look-up's verdict, as the lifecycle's decision reads it.</summary>
internal enum LookupVerdict
{
    /// <summary>Not asked (yet).</summary>
    NotAsked,

    /// <summary>The ticket system knows the situation's ticket.</summary>
    Found,

    /// <summary>The ticket system says it has none (an eventually consistent one proves it only after its settle time).</summary>
    NotFound,

    /// <summary>Refused (401, 403, 404, 410, …) or answered with something that cannot be read: it proves nothing.</summary>
    Refused,
}
