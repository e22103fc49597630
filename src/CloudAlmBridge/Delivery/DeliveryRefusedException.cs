namespace CloudAlmBridge.Delivery;

/// <summary>
/// The bridge itself will not make the call, and nothing was sent: its own configuration cannot (the mapping lacks the
/// operation or would address another host, the create answer's id was never read, the subscription names no
/// transition the workflow offers). Not the ticket system's failure, so it is not counted against the destination's
/// health and not answered as the ticket system's error; waiting changes nothing, so the delivery is dead-lettered at once.
/// </summary>
internal sealed class DeliveryRefusedException(string message) : Exception(message);
