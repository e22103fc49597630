using System.Text.Json;

namespace CloudAlmBridge.Delivery;

/// <summary>A successful answer; <see cref="Body"/> is undefined when the ticket system sent none (Jira's 204).</summary>
internal sealed record TicketSystemAnswer(int StatusCode, JsonElement Body);
