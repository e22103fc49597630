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

        // A destination that answered 429 is not called again before it allows: a short pause is waited out here, a
        // longer one answered at once with the destination's own 429 (nothing is sent; the outbox comes back then).
        if (await registry.WaitOutPauseAsync(destination, configuration.Current.Options.Delivery.MaxInlineRetryDelay, cancellationToken) is { } paused)
        {
            return paused;
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
                registry.Throttled(destination, response);
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

/// <summary>
/// The slots of each destination, one set per process (message handlers are recreated by the client factory), and the
/// pause a destination asked for with <c>429</c>: the bound per destination can be generous for a fast ticket system
/// because a rate-limited one stops every call of this instance, not only the one it refused, until it allows again.
/// </summary>
internal sealed class DestinationSlotRegistry(ActiveConfiguration configuration, TimeProvider timeProvider)
{
    /// <summary>A <c>429</c> without <c>Retry-After</c> still pauses the destination this long.</summary>
    public static readonly TimeSpan PauseWithoutRetryAfter = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _slots = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _pausedUntil = new(StringComparer.OrdinalIgnoreCase);

    public SemaphoreSlim For(string destination) =>
        _slots.GetOrAdd(destination, static (_, limit) => new SemaphoreSlim(limit), configuration.Current.Options.Delivery.MaxConcurrencyPerDestination);

    /// <summary>Remembers a <c>429</c>: no call of this instance goes to the destination before its <c>Retry-After</c>.</summary>
    public void Throttled(string destination, HttpResponseMessage response)
    {
        if (response.StatusCode != System.Net.HttpStatusCode.TooManyRequests)
        {
            return;
        }

        var until = timeProvider.GetUtcNow() + (RetryAfterHeader.Read(response, timeProvider.GetUtcNow()) is { } asked && asked > TimeSpan.Zero
            ? asked
            : PauseWithoutRetryAfter);
        _pausedUntil.AddOrUpdate(destination, until, (_, current) => current > until ? current : until);
    }

    /// <summary>
    /// Waits while the destination is paused, when the pause ends within <paramref name="longestWait"/>; for a longer
    /// one, the answer the destination would give (<c>429</c> with the time left as <c>Retry-After</c>), without
    /// sending anything. Null when the call may go.
    /// </summary>
    public async Task<HttpResponseMessage?> WaitOutPauseAsync(string destination, TimeSpan longestWait, CancellationToken cancellationToken)
    {
        while (_pausedUntil.TryGetValue(destination, out var until) && until - timeProvider.GetUtcNow() is var left && left > TimeSpan.Zero)
        {
            if (left > longestWait)
            {
                return new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests)
                {
                    ReasonPhrase = $"not sent: destination {destination} answered 429 and allows no call before {until:u}",
                    Headers = { RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(left) },
                    Content = new ByteArrayContent([]),
                };
            }

            await Task.Delay(left, timeProvider, cancellationToken);
        }

        return null;
    }
}
