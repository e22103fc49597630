using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Delivery;

/// <summary>
/// One call to a ticket system: a mapped operation with its absolute URL and body. <see cref="Step"/> says what the call
/// was for when that is not the event's own operation (the look-up before a create), so an error names it.
/// </summary>
internal sealed record TicketRequest(ResolvedWebhook Webhook, string Method, string Url, byte[]? Body, string? Step = null)
{
    /// <summary>
    /// Runs once the call has its destination slot, right before it goes on the wire (<see cref="DestinationSlots"/>):
    /// what must be written down before the ticket system can act (a create that may be sent), and not before, since a
    /// call that waits for a slot and is cancelled was never sent.
    /// </summary>
    public Func<CancellationToken, Task>? OnSending { get; init; }

    /// <summary>
    /// Error statuses that are an expected answer to this call, not a refusal: a generic look-up's <c>404</c> ("no
    /// ticket"), a test connection's <c>405</c> on a collection that takes only <c>POST</c>. They still fail the call;
    /// in the destination's health they count as answers of a system that is up.
    /// </summary>
    public IReadOnlyCollection<int> ExpectedStatuses { get; init; } = [];

    /// <summary>
    /// How an error names the call: <c>POST https://acme.service-now.com/api/now/table/incident</c>, with the step.
    /// The query is left out: it holds the look-up's search, not where the call went, and it can be long.
    /// </summary>
    public string Describe()
    {
        var query = Url.IndexOf('?', StringComparison.Ordinal);
        var call = $"{Method} {(query < 0 ? Url : Url[..query])}";
        return Step is null ? call : $"{call} ({Step})";
    }
}
