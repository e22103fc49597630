using CloudAlmBridge.Configuration;
using CloudAlmBridge.Storage;
using CloudAlmBridge.Tests.Infrastructure;
using CloudAlmBridge.Tickets;
using CloudAlmBridge.Vocabulary;
using Microsoft.Extensions.DependencyInjection;

namespace CloudAlmBridge.Tests.Tickets;

/// <summary>
/// docs/api.md §2 and §3: reading a situation's ticket status (the PING) as one use case, called directly: what it
/// found, in the words both PING routes answer with.
/// </summary>
public sealed class TicketStatusReaderTests : IClassFixture<ServiceNowBridgeFixture>
{
    private readonly ServiceNowBridgeFixture _bridge;

    public TicketStatusReaderTests(ServiceNowBridgeFixture bridge)
    {
        _bridge = bridge;
        bridge.ResetTicketSystems();
    }

    private TicketStatusReader Reader => _bridge.Factory.Services.GetRequiredService<TicketStatusReader>();

    private ResolvedSubscription Subscription =>
        _bridge.Factory.Services.GetRequiredService<ActiveConfiguration>().Current.FindSubscription(TestSettings.Subscription)!;

    [Fact]
    public async Task ASituationWithoutTicket_IsNoTicket_AndNothingIsAskedOfTheTicketSystem()
    {
        var situation = Events.NewSituationId();

        var status = await Reader.ReadAsync(Subscription, situation, null);

        Assert.Equal(TicketStatusOutcome.NoTicket, status.Outcome);
        Assert.Null(status.Link);
        Assert.Equal($"Situation '{situation}' has no ticket on subscription '{TestSettings.Subscription}'.", status.Detail);
        Assert.Empty(_bridge.ServiceNow.LogEntries);
    }

    [Fact]
    public async Task ALinkedTicket_IsReadFromTheTicketSystem_AndItsStatusStored()
    {
        var situation = Events.NewSituationId();
        var sysId = Guid.NewGuid().ToString("N");
        await SaveLinkAsync(situation, link => link with { TicketId = sysId, TicketNumber = "INC0010007", TicketStatus = "NEW" });
        _bridge.ServiceNow.AnswersGet(sysId, "INC0010007", "2");

        var status = await Reader.ReadAsync(Subscription, situation, null);

        Assert.Equal((TicketStatusOutcome.Read, AttemptOutcome.Delivered), (status.Outcome, status.Attempt));
        Assert.Equal(("INC0010007", "IN_PROCESS"), (status.Link!.TicketNumber, status.Link.TicketStatus));
        Assert.Single(_bridge.ServiceNow.Calls("GET", $"{ServiceNowStubs.IncidentPath}/{sysId}"));
        var stored = await Tickets.FindLinkAsync(TestSettings.Subscription, situation, CancellationToken.None);
        Assert.Equal("IN_PROCESS", stored!.TicketStatus);
    }

    [Fact]
    public async Task AHeldSituation_IsHeld_WithItsReason_AndNothingIsAskedOfTheTicketSystem()
    {
        var situation = Events.NewSituationId();
        await SaveLinkAsync(situation, link => link with { HeldAt = link.CreatedAt, HoldNote = "the create's answer was lost" });

        var status = await Reader.ReadAsync(Subscription, situation, null);

        Assert.Equal(TicketStatusOutcome.Held, status.Outcome);
        Assert.StartsWith($"Situation '{situation}' on subscription '{TestSettings.Subscription}' is held: the create's answer was lost. No ticket is known;",
            status.Detail, StringComparison.Ordinal);
        Assert.Empty(_bridge.ServiceNow.LogEntries);
    }

    [Fact]
    public async Task ARefusedRead_IsFailed_WithTheTicketSystemsOwnErrorAndStatus()
    {
        var situation = Events.NewSituationId();
        var sysId = Guid.NewGuid().ToString("N");
        await SaveLinkAsync(situation, link => link with { TicketId = sysId, TicketNumber = "INC0010008", TicketStatus = "NEW" });
        _bridge.ServiceNow.AnswersError("GET", $"{ServiceNowStubs.IncidentPath}/{sysId}", 404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval");

        var status = await Reader.ReadAsync(Subscription, situation, null);

        Assert.Equal((TicketStatusOutcome.Failed, AttemptOutcome.Failed, 404), (status.Outcome, status.Attempt, status.TargetStatusCode));
        Assert.Contains("No Record found", status.Detail, StringComparison.Ordinal);
    }

    private ITicketStore Tickets => _bridge.Factory.Services.GetRequiredService<ITicketStore>();

    private Task SaveLinkAsync(string situation, Func<TicketLink, TicketLink> change)
    {
        var now = DateTimeOffset.UtcNow;
        return Tickets.SaveLinkAsync(change(new TicketLink { Subscription = TestSettings.Subscription, SituationId = situation, CreatedAt = now, UpdatedAt = now }),
            CancellationToken.None);
    }
}
