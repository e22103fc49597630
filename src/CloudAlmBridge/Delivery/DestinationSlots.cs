using System.Collections.Concurrent;
using CloudAlmBridge.Configuration;
using Polly.Timeout;

namespace CloudAlmBridge.Delivery;

/// <summary>
/// <c>MaxConcurrencyPerDestination</c>, per call: a slot is held only while a request is on the wire to the
/// destination, never while a delivery waits (for a retry, a <c>Retry-After</c>, its situation's lock). Every call to a
/// ticket system passes here — deliveries, look-ups and PINGs alike — so nothing bypasses the bound. The attempt's
/// timeout (<c>AttemptTimeout</c>) starts once the slot is taken: waiting for a slot never makes a call look
/// unanswered (for a create, that would send a second one after the look-up).
/// </summary>
internal sealed class DestinationSlots(DestinationSlotRegistry registry, ActiveConfiguration configuration) : DelegatingHandler
{
    /// <summary>The destination's name, set on every request the ticket-system client sends.</summary>
    public static readonly HttpRequestOptionsKey<string> DestinationNameKey = new("CloudAlmBridge.DestinationName");

    /// <summary>What to do once the call has its slot, right before it is sent (see <see cref="TicketRequest.OnSending"/>).</summary>
    public static readonly HttpRequestOptionsKey<Func<CancellationToken, Task>> OnSendingKey = new("CloudAlmBridge.OnSending");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(DestinationNameKey, out var destination))
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var gate = registry.For(destination);
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (request.Options.TryGetValue(OnSendingKey, out var onSending))
            {
                await onSending(cancellationToken);
            }

            var timeout = configuration.Current.Options.Delivery.AttemptTimeout;
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(timeout);
            try
            {
                var response = await base.SendAsync(request, attempt.Token);
                await ReadBoundedAsync(response, configuration.Current.Options.Delivery.MaxAnswerBytes, attempt.Token);
                return response;
            }
            catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Polly's own exception for a timed-out attempt: the quick retries and the client treat it as such.
                throw new TimeoutRejectedException($"The call did not answer within {timeout} (Bridge:Delivery:AttemptTimeout).", timeout, exception);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Reads the answer into memory inside the call's slot and timeout, but never more than <paramref name="limit"/>
    /// bytes: a ticket system (or something in front of it) answering hundreds of megabytes cannot grow the bridge.
    /// </summary>
    private static async Task ReadBoundedAsync(HttpResponseMessage response, long limit, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (response.Content.Headers.ContentLength > limit)
        {
            response.Dispose();
            throw new AnswerTooLargeException(status, limit);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream(response.Content.Headers.ContentLength is { } length and > 0 ? (int)length : 4096);
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    response.Dispose();
                    throw new AnswerTooLargeException(status, limit);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }

        // The stream's own array, without a copy: it is not used after this.
        var content = new ByteArrayContent(buffer.GetBuffer(), 0, (int)buffer.Length);
        foreach (var header in response.Content.Headers)
        {
            content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content.Dispose();
        response.Content = content;
    }
}

/// <summary>The ticket system's answer was larger than <c>Bridge:Delivery:MaxAnswerBytes</c>; it was not read.</summary>
internal sealed class AnswerTooLargeException(int status, long limit)
    : HttpRequestException($"answered {status} with more than {limit} bytes (Bridge:Delivery:MaxAnswerBytes); the answer was not read")
{
    public int Status { get; } = status;
}

/// <summary>The slots of each destination, one set per process (message handlers are recreated by the client factory).</summary>
internal sealed class DestinationSlotRegistry(ActiveConfiguration configuration)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _slots = new(StringComparer.OrdinalIgnoreCase);

    public SemaphoreSlim For(string destination) =>
        _slots.GetOrAdd(destination, static (_, limit) => new SemaphoreSlim(limit), configuration.Current.Options.Delivery.MaxConcurrencyPerDestination);
}
