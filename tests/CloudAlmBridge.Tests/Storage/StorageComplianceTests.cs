using System.Collections.Concurrent;
using System.Data.Common;
using CloudAlmBridge.Storage;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Tests.Storage;

/// <summary>
/// What every storage provider must do, run once per provider against a real database: a SQLite file
/// (<see cref="SqliteStorageTests"/>) and a PostgreSQL 15 server (<see cref="PostgreSqlStorageTests"/>). Each test
/// gets a fresh database; several <c>Instance</c>s on it are several bridges sharing it.
/// </summary>
public abstract class StorageComplianceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    protected StorageHarness Harness { get; private set; } = null!;

    protected abstract StorageHarness CreateHarness();

    public async Task InitializeAsync()
    {
        Harness = CreateHarness();
        await Harness.InitializeAsync();
    }

    public Task DisposeAsync() => Harness.DisposeAsync();

    [Fact]
    public async Task Schema_IsCreatedAtTheNewestVersion_AndInitializingAgainChangesNothing()
    {
        var first = Harness.Instance("a");
        await first.Database.InitializeAsync(CancellationToken.None);
        var second = Harness.Instance("b");
        await second.Database.InitializeAsync(CancellationToken.None);

        Assert.Equal(first.Database.SchemaVersion, await ScalarAsync(second, "SELECT MAX(version) FROM schema_version"));
        Assert.Equal(1L, await ScalarAsync(second, "SELECT COUNT(*) FROM schema_version"));
    }

    [Fact]
    public async Task InstancesStartingTogether_MigrateOnce_AndAllStart()
    {
        var instances = Enumerable.Range(0, 4).Select(i => Harness.Instance($"i{i}")).ToList();

        await Task.WhenAll(instances.Select(i => Task.Run(() => i.Database.InitializeAsync(CancellationToken.None))));

        Assert.Equal(instances[0].Database.SchemaVersion, await ScalarAsync(instances[3], "SELECT MAX(version) FROM schema_version"));
        Assert.Equal(1L, await ScalarAsync(instances[3], "SELECT COUNT(*) FROM schema_version"));
        Assert.Equal(0L, await ScalarAsync(instances[3], "SELECT revision FROM mapping_revision WHERE id = 1"));
    }

    [Fact]
    public async Task Accept_TheSameEventTwice_StoresItOnce_AndAnswersWithTheOriginal()
    {
        var store = Harness.Instance("a").Deliveries;
        var (first, firstDuplicate) = await store.AcceptAsync(New("s1", dedupe: "u1", hash: "h1"), CancellationToken.None);
        // The key decides (an identical body always has the same key: EventInbox derives it from the body), not the hash.
        var (sameKey, keyDuplicate) = await store.AcceptAsync(New("s1", dedupe: "u1", hash: "h2"), CancellationToken.None);
        var (other, otherDuplicate) = await store.AcceptAsync(New("s1", dedupe: "u2", hash: "h1"), CancellationToken.None);

        Assert.False(firstDuplicate);
        Assert.True(keyDuplicate);
        Assert.False(otherDuplicate);
        Assert.Equal(first.Id, sameKey.Id);
        Assert.NotEqual(first.Id, other.Id);
        Assert.Equal(DeliveryState.Queued, first.State);
        Assert.Equal(T0, first.AcceptedAt);
        Assert.Equal(2, (await store.ListAsync(null, "sub", "s1", 0, 10, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Claim_TakesOnlyTheOldestPendingDeliveryOfEachSituation()
    {
        var a = Harness.Instance("a").Deliveries;
        var s1First = await AcceptAsync(a, "s1");
        var s1Second = await AcceptAsync(a, "s1");
        var s2First = await AcceptAsync(a, "s2");

        var claimed = await a.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None);

        Assert.Equal([s1First.Id, s2First.Id], claimed.Select(d => d.Id));
        Assert.Empty(await a.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None));

        Assert.True(await a.CompleteAttemptAsync(claimed[0].Claim, Delivered(), DeliveryState.Delivered, "Create", true, null, CancellationToken.None));
        var next = await a.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None);
        Assert.Equal([s1Second.Id], next.Select(d => d.Id));
    }

    [Fact]
    public async Task Claim_RecordsTheOwner_AndAnotherInstanceTakesItOnlyAfterTheLeaseRanOut()
    {
        var a = Harness.Instance("bridge-a");
        var b = Harness.Instance("bridge-b");
        var delivery = await AcceptAsync(a.Deliveries, "s1");

        var claimedByA = Assert.Single(await a.Deliveries.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None));
        var beforeExpiry = await b.Deliveries.ClaimDueAsync(T0 + Lease - TimeSpan.FromSeconds(1), T0 + (2 * Lease), 10, CancellationToken.None);
        var afterExpiry = await b.Deliveries.ClaimDueAsync(T0 + Lease + TimeSpan.FromSeconds(1), T0 + (2 * Lease), 10, CancellationToken.None);

        Assert.Equal(a.Identity.Id, claimedByA.Owner);
        Assert.StartsWith("bridge-a-", claimedByA.Owner, StringComparison.Ordinal);
        Assert.Empty(beforeExpiry);
        var takenOver = Assert.Single(afterExpiry);
        Assert.Equal(delivery.Id, takenOver.Id);
        Assert.Equal(b.Identity.Id, takenOver.Owner);
        Assert.NotEqual(claimedByA.LeaseId, takenOver.LeaseId);
    }

    [Fact]
    public async Task RenewedLease_KeepsTheClaim_PastItsFirstExpiry()
    {
        var a = Harness.Instance("a").Deliveries;
        var b = Harness.Instance("b").Deliveries;
        await AcceptAsync(a, "s1");
        var claim = Assert.Single(await a.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None)).Claim;

        Assert.True(await a.RenewAsync(claim, T0 + (3 * Lease), CancellationToken.None));

        Assert.Empty(await b.ClaimDueAsync(T0 + (2 * Lease), T0 + (4 * Lease), 10, CancellationToken.None));
        Assert.Single(await b.ClaimDueAsync(T0 + (3 * Lease) + TimeSpan.FromSeconds(1), T0 + (4 * Lease), 10, CancellationToken.None));
        Assert.False(await a.RenewAsync(claim, T0 + (5 * Lease), CancellationToken.None));
    }

    [Fact]
    public async Task CompleteAttempt_WithTheLink_WritesOutcomeAttemptAndLinkTogether_AndALostClaimStillKeepsTheLink()
    {
        // Issue 21, item 2: a finished delivery is one write, its outcome, its attempt and the situation's link.
        var a = Harness.Instance("a");
        var b = Harness.Instance("b");
        var finished = await AcceptAsync(a.Deliveries, "s1");
        var claim = Assert.Single(await a.Deliveries.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None)).Claim;
        var link = new TicketLink { Subscription = "sub", SituationId = "s1", TicketId = "sys-1", TicketNumber = "INC0000001", CreatedAt = T0, UpdatedAt = T0 };

        Assert.True(await a.Deliveries.CompleteAttemptAsync(claim, Delivered(), DeliveryState.Delivered, "Create", true, link, CancellationToken.None));

        Assert.Equal("INC0000001", (await b.Tickets.FindLinkAsync("sub", "s1", CancellationToken.None))?.TicketNumber);
        var record = (await b.Deliveries.FindAsync(finished.Id, CancellationToken.None))!;
        Assert.Equal(DeliveryState.Delivered, record.State);
        Assert.True(record.TicketCreated);
        Assert.Single(await b.Deliveries.GetAttemptsAsync(finished.Id, CancellationToken.None));
        await AssertWrittenInOneTransactionAsync(finished.Id, "sub", "s1");

        // A claim taken over meanwhile: the delivery is the new owner's, but the ticket the attempt made is remembered.
        var taken = await AcceptAsync(a.Deliveries, "s2");
        var lost = Assert.Single(await a.Deliveries.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None)).Claim;
        Assert.Single(await b.Deliveries.ClaimDueAsync(T0 + (2 * Lease), T0 + (3 * Lease), 10, CancellationToken.None));
        var made = link with { SituationId = "s2", TicketId = "sys-2", TicketNumber = "INC0000002" };

        Assert.False(await a.Deliveries.CompleteAttemptAsync(lost, Delivered(), DeliveryState.Delivered, "Create", true, made, CancellationToken.None));

        Assert.Equal("INC0000002", (await b.Tickets.FindLinkAsync("sub", "s2", CancellationToken.None))?.TicketNumber);
        Assert.Equal(DeliveryState.Queued, (await b.Deliveries.FindAsync(taken.Id, CancellationToken.None))!.State);
        Assert.Empty(await b.Deliveries.GetAttemptsAsync(taken.Id, CancellationToken.None));
    }

    /// <summary>Where the database can tell which transaction wrote a row, that the delivery, its attempt and its link share one.</summary>
    protected virtual Task AssertWrittenInOneTransactionAsync(long deliveryId, string subscription, string situationId) => Task.CompletedTask;

    [Fact]
    public async Task AnInstanceWhoseClaimWasTakenOver_CannotCompleteReleaseOrRenewIt()
    {
        var a = Harness.Instance("a").Deliveries;
        var b = Harness.Instance("b").Deliveries;
        var delivery = await AcceptAsync(a, "s1");
        var lost = Assert.Single(await a.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None)).Claim;
        var current = Assert.Single(await b.ClaimDueAsync(T0 + (2 * Lease), T0 + (3 * Lease), 10, CancellationToken.None)).Claim;

        Assert.False(await a.CompleteAttemptAsync(lost, Failed(), DeliveryState.DeadLettered, "Create", false, null, CancellationToken.None));
        Assert.False(await a.ReleaseAsync(lost, CancellationToken.None));
        Assert.False(await a.RenewAsync(lost, T0 + (9 * Lease), CancellationToken.None));
        var untouched = (await a.FindAsync(delivery.Id, CancellationToken.None))!;
        Assert.Equal(DeliveryState.Queued, untouched.State);
        Assert.Equal(0, untouched.Attempts);
        Assert.Empty(await a.GetAttemptsAsync(delivery.Id, CancellationToken.None));

        Assert.True(await b.CompleteAttemptAsync(current, Delivered(), DeliveryState.Delivered, "Create", true, null, CancellationToken.None));
        var done = (await b.FindAsync(delivery.Id, CancellationToken.None))!;
        Assert.Equal(DeliveryState.Delivered, done.State);
        Assert.Equal(1, done.Attempts);
        Assert.True(done.TicketCreated);
        Assert.Null(done.LeaseId);
        Assert.Equal(current.Owner, done.Owner);
        Assert.Equal(AttemptOutcome.Delivered, Assert.Single(await b.GetAttemptsAsync(delivery.Id, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task ReleasingExpiredLeases_AtStart_LeavesALiveInstancesClaim()
    {
        var live = Harness.Instance("live").Deliveries;
        var dead = Harness.Instance("dead").Deliveries;
        var starting = Harness.Instance("starting").Deliveries;
        var deadOnes = await AcceptAsync(dead, "s-dead");
        await AcceptAsync(live, "s-live");
        Assert.Single(await dead.ClaimDueAsync(T0, T0 + Lease, 1, CancellationToken.None));
        var liveClaim = Assert.Single(await live.ClaimDueAsync(T0 + Lease, T0 + (3 * Lease), 10, CancellationToken.None));

        var released = await starting.ReleaseExpiredLeasesAsync(T0 + (2 * Lease), CancellationToken.None);

        Assert.Equal(1, released);
        Assert.Null((await starting.FindAsync(deadOnes.Id, CancellationToken.None))!.LeaseId);
        Assert.Equal(liveClaim.LeaseId, (await starting.FindAsync(liveClaim.Id, CancellationToken.None))!.LeaseId);
        Assert.True(await live.CompleteAttemptAsync(liveClaim.Claim, Delivered(), DeliveryState.Delivered, "Create", true, null, CancellationToken.None));
    }

    [Fact]
    public async Task AReplayedOlderDelivery_WaitsWhileANewerOneOfItsSituationIsClaimed()
    {
        var a = Harness.Instance("a").Deliveries;
        var older = await AcceptAsync(a, "s1");
        var newer = await AcceptAsync(a, "s1");
        var first = Assert.Single(await a.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None));
        Assert.True(await a.CompleteAttemptAsync(first.Claim, Failed(), DeliveryState.DeadLettered, "Create", false, null, CancellationToken.None));
        var inFlight = Assert.Single(await a.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None));
        Assert.Equal(newer.Id, inFlight.Id);

        Assert.True(await a.ReplayAsync(older.Id, T0, CancellationToken.None));
        Assert.Empty(await a.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None));

        Assert.True(await a.CompleteAttemptAsync(inFlight.Claim, Delivered(), DeliveryState.Delivered, "Update", false, null, CancellationToken.None));
        Assert.Equal(older.Id, Assert.Single(await a.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None)).Id);
    }

    [Fact]
    public async Task Claims_AreCounted_AndNothingTakesThemBack_NotATakeoverARetryAReleaseOrAReplay()
    {
        // What LookupBeforeCreate Auto reads: only a delivery's first claim proves that nothing of it was sent before.
        var a = Harness.Instance("a").Deliveries;
        var b = Harness.Instance("b").Deliveries;
        var accepted = await AcceptAsync(a, "s1");
        Assert.Equal(0, accepted.Claims);
        Assert.Equal(0, (await a.FindAsync(accepted.Id, CancellationToken.None))!.Claims);

        var first = Assert.Single(await a.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None));
        Assert.Equal(1, first.Claims);
        Assert.True(first.IsFirstClaim);

        // Its lease ran out (the instance died or stalled): the other instance's claim is not a first one.
        var takenOver = Assert.Single(await b.ClaimDueAsync(T0 + (2 * Lease), T0 + (3 * Lease), 10, CancellationToken.None));
        Assert.Equal(2, takenOver.Claims);
        Assert.False(takenOver.IsFirstClaim);

        // Given back at shutdown, then claimed again.
        Assert.True(await b.ReleaseAsync(takenOver.Claim, CancellationToken.None));
        var again = Assert.Single(await a.ClaimDueAsync(T0 + (3 * Lease), T0 + (4 * Lease), 10, CancellationToken.None));
        Assert.Equal(3, again.Claims);

        // A retry after a failed attempt.
        var next = T0 + (4 * Lease);
        Assert.True(await a.CompleteAttemptAsync(again.Claim, new DeliveryAttempt(T0, AttemptOutcome.Failed, 503, "down", next), DeliveryState.Retrying,
            "Create", false, null, CancellationToken.None));
        var retry = Assert.Single(await a.ClaimDueAsync(next, next + Lease, 10, CancellationToken.None));
        Assert.Equal(4, retry.Claims);

        // Dead-lettered and replayed: its attempts start again, its claims do not.
        Assert.True(await a.CompleteAttemptAsync(retry.Claim, Failed(), DeliveryState.DeadLettered, "Create", false, null, CancellationToken.None));
        Assert.True(await a.ReplayAsync(accepted.Id, next + Lease, CancellationToken.None));
        var replayed = Assert.Single(await a.ClaimDueAsync(next + Lease, next + (2 * Lease), 10, CancellationToken.None));
        Assert.Equal((0, 5), (replayed.Attempts, replayed.Claims));
        Assert.False(replayed.IsFirstClaim);
    }

    [Fact]
    public async Task ADatabaseOfThePreviousVersion_KeepsItsDeliveries_WhichCountAsClaimedBefore()
    {
        // What the version before claims were counted left: a delivery its crash left claimed and one never claimed.
        // Nothing proves either was never sent, so neither is a first claim after the upgrade.
        await WriteBeforeMigrationAsync("ADD COLUMN claims", $$"""
                INSERT INTO deliveries (subscription, situation_id, event_type, dedupe_key, body_hash, message, state, accepted_at, queued_at,
                    next_attempt_at, owner, lease_id, lease_until)
                VALUES ('sub', 's1', 'EVENT-SITUATION.CREATED', 'k1', 'h1', '{}', {{(int)DeliveryState.Queued}}, '2026-11-30T10:00:00.0000000Z',
                        '2026-11-30T10:00:00.0000000Z', '2026-11-30T10:00:00.0000000Z', 'crashed', 'lease', '2026-11-30T10:00:30.0000000Z'),
                       ('sub', 's2', 'EVENT-SITUATION.CREATED', 'k2', 'h2', '{}', {{(int)DeliveryState.Queued}}, '2026-11-30T10:00:00.0000000Z',
                        '2026-11-30T10:00:00.0000000Z', '2026-11-30T10:00:00.0000000Z', NULL, NULL, NULL);
                """);

        var upgraded = Harness.Instance("upgraded").Deliveries;
        var claimed = await upgraded.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None);

        Assert.Equal(["s1", "s2"], claimed.Select(d => d.SituationId));
        Assert.All(claimed, d => Assert.Equal((0, 2), (d.Attempts, d.Claims)));
        Assert.All(claimed, d => Assert.False(d.IsFirstClaim));
        Assert.True(await upgraded.AnyOtherClaimedAsync("sub", "s1", -1, CancellationToken.None));

        // What the upgraded bridge accepts starts at none.
        var accepted = await AcceptAsync(upgraded, "s3");
        Assert.Equal(1, Assert.Single(await upgraded.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None)).Claims);
        Assert.False(await upgraded.AnyOtherClaimedAsync("sub", "s3", accepted.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Accept_AppendsOneInboxRow_AndTheStateRowComesWithTheFirstClaim()
    {
        // Issue 21, item 1: the accept writes the message once, at the inbox's end; a delivery's state is written when
        // a dispatcher takes it up. Until then it reads as Queued, everywhere a delivery is read.
        var instance = Harness.Instance("a");
        var a = instance.Deliveries;
        var first = await AcceptAsync(a, "s1");
        var second = await AcceptAsync(a, "s1");
        var other = await AcceptAsync(a, "s2");

        Assert.Equal(3L, await ScalarAsync(instance, "SELECT COUNT(*) FROM inbox"));
        Assert.Equal(0L, await ScalarAsync(instance, "SELECT COUNT(*) FROM deliveries"));
        Assert.True(first.Id < second.Id && second.Id < other.Id);
        var found = (await a.FindAsync(second.Id, CancellationToken.None))!;
        Assert.Equal((DeliveryState.Queued, 0, 0, "s1", T0), (found.State, found.Attempts, found.Claims, found.SituationId, found.AcceptedAt));
        Assert.Equal("{\"situation\":\"s1\"}", found.Message);
        Assert.Equal(DeliveryState.Queued, await a.GetStateAsync(other.Id, CancellationToken.None));
        Assert.Equal([first.Id, second.Id], (await a.ListAsync(DeliveryState.Queued, "sub", "s1", 0, 10, CancellationToken.None)).Select(d => d.Id));
        Assert.Empty(await a.ListAsync(DeliveryState.Delivered, null, null, 0, 10, CancellationToken.None));
        Assert.Equal(3L, await a.CountPendingAsync(CancellationToken.None));
        Assert.Equal(2L, await a.CountAsync(null, "sub", "s1", CancellationToken.None));
        Assert.Equal(3L, (await a.CountByStateAsync(T0, CancellationToken.None))[DeliveryState.Queued]);
        Assert.Equal(3L, (await a.CountByStateAsync(null, CancellationToken.None))[DeliveryState.Queued]);

        var claimed = await a.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None);

        Assert.Equal([first.Id, other.Id], claimed.Select(d => d.Id));
        Assert.All(claimed, d => Assert.Equal(("{\"situation\":\"" + d.SituationId + "\"}", 1), (d.Message, d.Claims)));
        Assert.Equal(3L, await ScalarAsync(instance, "SELECT COUNT(*) FROM deliveries"));
        Assert.Equal(3L, await a.CountPendingAsync(CancellationToken.None));
        Assert.Equal([first.Id, second.Id, other.Id], (await a.ListAsync(null, null, null, 0, 10, CancellationToken.None)).Select(d => d.Id));
        Assert.Equal([second.Id, other.Id], (await a.ListAsync(null, null, null, 1, 10, CancellationToken.None)).Select(d => d.Id));
    }

    [Fact]
    public async Task AHold_CoversTheSituationsEventsAcceptedBehindMoreThanOneStagingBatch()
    {
        // A write that changes a situation's pending deliveries stages the whole inbox first, not one batch of it: the
        // held situation's event accepted behind 1,100 others is held with it.
        var a = Harness.Instance("a").Deliveries;
        await AcceptAsync(a, "held");
        var claim = Assert.Single(await a.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None)).Claim;
        await Task.WhenAll(Enumerable.Range(0, 1100).Select(i => AcceptAsync(a, $"other-{i}")));
        var behind = await AcceptAsync(a, "held");

        Assert.Equal(2, await a.HoldAsync(claim, "sub", "held", "window-1", T0.AddHours(1), CancellationToken.None));

        var held = (await a.FindAsync(behind.Id, CancellationToken.None))!;
        Assert.Equal(("window-1", T0.AddHours(1)), (held.HeldBy, held.HeldUntil));
    }

    [Fact]
    public async Task ADuplicate_IsFoundAfterARestart_AndAfterRetentionRemovedItsOriginal_ItIsNewAgain()
    {
        var before = Harness.Instance("a").Deliveries;
        var original = (await before.AcceptAsync(New("s1", dedupe: "u1"), CancellationToken.None)).Delivery;
        var claim = Assert.Single(await before.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None)).Claim;
        Assert.True(await before.CompleteAttemptAsync(claim, Delivered(), DeliveryState.Delivered, "Create", true, null, CancellationToken.None));
        var newest = await AcceptAsync(before, "s2");

        // A new process on the same database: on SQLite its keys are read from the inbox.
        var after = Harness.Restarted("b").Deliveries;
        var (repeat, isDuplicate) = await after.AcceptAsync(New("s1", dedupe: "u1"), CancellationToken.None);
        Assert.True(isDuplicate);
        Assert.Equal(original.Id, repeat.Id);
        Assert.Equal(DeliveryState.Delivered, repeat.State);

        // Retention removes the finished message and its key; the inbox's newest row stays, so no id is given twice.
        Assert.Equal(1, await after.RemoveFinishedAsync(T0.AddDays(1), 100, CancellationToken.None));
        Assert.Null(await after.FindAsync(original.Id, CancellationToken.None));
        var (again, againDuplicate) = await after.AcceptAsync(New("s1", dedupe: "u1"), CancellationToken.None);
        Assert.False(againDuplicate);
        Assert.True(again.Id > newest.Id);
    }

    [Fact]
    public async Task ADatabaseWrittenBeforeTheInbox_KeepsItsQueuedDeliveriesDeadLettersAndDuplicates()
    {
        // Issue 21, item 1: what the bridge of before the inbox wrote (its migrations, and rows as its accept, claim and
        // completion wrote them): a delivered event with its link, a dead letter with its attempt, a queued event.
        await WriteBeforeMigrationAsync("CREATE TABLE inbox", $$"""
                INSERT INTO deliveries (subscription, situation_id, event_type, dedupe_key, body_hash, message, state, attempts, accepted_at, queued_at,
                    next_attempt_at, action, ticket_created, last_status, last_error, completed_at, owner, claims)
                VALUES ('sub', 'done', 'EVENT-SITUATION.CREATED', 'body:d1', 'd1', '{"situation":"done"}', {{(int)DeliveryState.Delivered}}, 1,
                        '2026-11-30T10:00:00.0000000Z', '2026-11-30T10:00:00.0000000Z', '2026-11-30T10:00:00.0000000Z', 'Create', {{True()}}, 201, NULL,
                        '2026-11-30T10:00:01.0000000Z', 'old', 1),
                       ('sub', 'dead', 'EVENT-SITUATION.CREATED', 'body:x1', 'x1', '{"situation":"dead","note":"ünïcode"}', {{(int)DeliveryState.DeadLettered}}, 1,
                        '2026-11-30T10:00:02.0000000Z', '2026-11-30T10:00:02.0000000Z', '2026-11-30T10:00:02.0000000Z', 'Create', {{False()}}, 400, 'refused',
                        '2026-11-30T10:00:03.0000000Z', 'old', 1),
                       ('sub', 'queued', 'EVENT-SITUATION.CREATED', 'updateTime:2026-11-30T10:00:04Z:q1', 'q1', '{"situation":"queued"}', {{(int)DeliveryState.Queued}}, 0,
                        '2026-11-30T10:00:04.0000000Z', '2026-11-30T10:00:04.0000000Z', '2026-11-30T10:00:04.0000000Z', NULL, {{False()}}, NULL, NULL,
                        NULL, NULL, 0);
                INSERT INTO delivery_attempts (delivery_id, attempted_at, outcome, status_code, error, next_attempt_at)
                SELECT id, '2026-11-30T10:00:03.0000000Z', 'Failed', 400, 'refused', NULL FROM deliveries WHERE situation_id = 'dead';
                INSERT INTO ticket_links (subscription, situation_id, ticket_id, ticket_number, is_closed, created_at, updated_at)
                VALUES ('sub', 'done', 'sys-1', 'INC0000001', {{False()}}, '2026-11-30T10:00:01.0000000Z', '2026-11-30T10:00:01.0000000Z');
                """);

        var upgraded = Harness.Instance("upgraded");
        var store = upgraded.Deliveries;
        var all = await store.ListAsync(null, "sub", null, 0, 10, CancellationToken.None);

        Assert.Equal(["done", "dead", "queued"], all.Select(d => d.SituationId));
        Assert.Equal([DeliveryState.Delivered, DeliveryState.DeadLettered, DeliveryState.Queued], all.Select(d => d.State));
        Assert.Equal("{\"situation\":\"dead\",\"note\":\"ünïcode\"}", all[1].Message);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 10, 0, 2, TimeSpan.Zero), all[1].AcceptedAt);
        var attempt = Assert.Single(await store.GetAttemptsAsync(all[1].Id, CancellationToken.None));
        Assert.Equal((AttemptOutcome.Failed, 400), (attempt.Outcome, attempt.StatusCode));
        Assert.Equal("INC0000001", (await upgraded.Tickets.FindLinkAsync("sub", "done", CancellationToken.None))?.TicketNumber);

        // A resend of any of them is a duplicate still: the keys written before are read as the new ones.
        foreach (var (situation, key, original) in new[] { ("done", "body:d1", all[0]), ("dead", "body:x1", all[1]), ("queued", "updateTime:2026-11-30T10:00:04Z:q1", all[2]) })
        {
            var (repeat, duplicate) = await store.AcceptAsync(
                new NewDelivery("sub", situation, "EVENT-SITUATION.CREATED", key, "ignored", "{}", T0), CancellationToken.None);
            Assert.True(duplicate, situation);
            Assert.Equal(original.Id, repeat.Id);
        }

        // The queued one is delivered with its message; the dead letter is replayed and delivered after it.
        var queued = Assert.Single(await store.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None));
        Assert.Equal((all[2].Id, "{\"situation\":\"queued\"}"), (queued.Id, queued.Message));
        Assert.True(await store.ReplayAsync(all[1].Id, T0, CancellationToken.None));
        var replayed = Assert.Single(await store.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None));
        Assert.Equal((all[1].Id, all[1].Message), (replayed.Id, replayed.Message));

        // What is accepted now goes on after every id the old table gave.
        var next = await AcceptAsync(store, "new");
        Assert.True(next.Id > all[2].Id);
    }

    /// <summary>
    /// What an earlier bridge left: the provider's migrations before the first that contains <paramref name="marker"/>,
    /// then <paramref name="rows"/>, written as that bridge wrote them. The next instance migrates the rest.
    /// </summary>
    private async Task WriteBeforeMigrationAsync(string marker, string rows)
    {
        var provider = Harness.CreateProvider();
        var version = provider.Migrations.Select((sql, index) => (sql, index)).First(m => m.sql.Contains(marker, StringComparison.Ordinal)).index;
        await provider.PrepareAsync(CancellationToken.None);
        await using (provider as IAsyncDisposable)
        await using (var connection = provider.CreateConnection())
        {
            await connection.OpenAsync();
            foreach (var migration in provider.Migrations.Take(version).Append(
                         $"CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES ({version});").Append(rows))
            {
                await using DbCommand command = connection.CreateCommand(migration);
                await command.ExecuteNonQueryAsync();
            }
        }
    }

    /// <summary>A boolean literal for the provider's SQL: SQLite has none.</summary>
    private string True() => Harness is SqliteHarness ? "1" : "true";

    private string False() => Harness is SqliteHarness ? "0" : "false";

    [Fact]
    public async Task AnyOtherClaimed_SaysWhetherAnotherDeliveryOfTheSituationWasEverClaimed()
    {
        var a = Harness.Instance("a").Deliveries;
        var created = await AcceptAsync(a, "s1");
        var updated = await AcceptAsync(a, "s1");
        var elsewhere = await AcceptAsync(a, "s2");
        Assert.False(await a.AnyOtherClaimedAsync("sub", "s1", created.Id, CancellationToken.None));
        Assert.False(await a.AnyOtherClaimedAsync("sub", "s1", updated.Id, CancellationToken.None));

        var claimed = await a.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None);
        Assert.Equal([created.Id, elsewhere.Id], claimed.Select(d => d.Id));

        // The CREATED's own claim is not another's; for the UPDATED behind it, it is (whatever became of it).
        Assert.False(await a.AnyOtherClaimedAsync("sub", "s1", created.Id, CancellationToken.None));
        Assert.True(await a.AnyOtherClaimedAsync("sub", "s1", updated.Id, CancellationToken.None));
        Assert.True(await a.CompleteAttemptAsync(claimed[0].Claim, Failed(), DeliveryState.DeadLettered, "Create", false, null, CancellationToken.None));
        Assert.True(await a.AnyOtherClaimedAsync("sub", "s1", updated.Id, CancellationToken.None));

        // Another situation's, or another subscription's, claims are not this situation's.
        Assert.False(await a.AnyOtherClaimedAsync("sub", "s2", elsewhere.Id, CancellationToken.None));
        Assert.False(await a.AnyOtherClaimedAsync("other", "s1", -1, CancellationToken.None));
    }

    [Fact]
    public async Task ARetryingDelivery_IsClaimedWhenDue_AndHoldsBackTheLaterOnesOfItsSituation()
    {
        var a = Harness.Instance("a").Deliveries;
        var first = await AcceptAsync(a, "s1");
        await AcceptAsync(a, "s1");
        var claim = Assert.Single(await a.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None)).Claim;
        var next = T0 + TimeSpan.FromMinutes(5);
        Assert.True(await a.CompleteAttemptAsync(claim, new DeliveryAttempt(T0, AttemptOutcome.Failed, 503, "down", next), DeliveryState.Retrying,
            "Create", false, null, CancellationToken.None));

        Assert.Empty(await a.ClaimDueAsync(T0 + TimeSpan.FromMinutes(4), T0 + Lease, 10, CancellationToken.None));
        var due = Assert.Single(await a.ClaimDueAsync(next, next + Lease, 10, CancellationToken.None));

        Assert.Equal(first.Id, due.Id);
        Assert.Equal(DeliveryState.Retrying, due.State);
        Assert.Equal(next, due.NextAttemptAt);
        Assert.Equal(2, await a.CountPendingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ClaimersOnSeveralInstances_NeverShareADelivery_NorRunTwoOfOneSituation_AndKeepItsOrder()
    {
        const int Situations = 12;
        const int EventsEach = 8;
        var writer = Harness.Instance("writer").Deliveries;
        for (var e = 0; e < EventsEach; e++)
        {
            for (var s = 0; s < Situations; s++)
            {
                await AcceptAsync(writer, $"s{s}");
            }
        }

        var handled = new ConcurrentQueue<(string Situation, long Id)>();
        var violations = new ConcurrentBag<string>();
        var claimers = Enumerable.Range(0, 4).Select(i => Harness.Instance($"claimer{i}")).ToList();
        await Task.WhenAll(claimers.Select(instance => Task.Run(async () =>
        {
            var store = instance.Deliveries;
            for (var round = 0; round < 400 && handled.Count < Situations * EventsEach; round++)
            {
                foreach (var delivery in await store.ClaimDueAsync(T0, T0 + Lease, 3, CancellationToken.None))
                {
                    // While this claim is held, the database must show no other delivery of its situation claimed.
                    var others = await ScalarAsync(instance,
                        $"SELECT COUNT(*) FROM deliveries WHERE situation_id = '{delivery.SituationId}' AND id <> {delivery.Id} AND lease_id IS NOT NULL");
                    if (others != 0)
                    {
                        violations.Add($"{delivery.SituationId}: {delivery.Id} claimed while {others} other(s) of its situation were");
                    }

                    handled.Enqueue((delivery.SituationId, delivery.Id));
                    Assert.True(await store.CompleteAttemptAsync(delivery.Claim, Delivered(), DeliveryState.Delivered, "Update", false, null, CancellationToken.None));
                }
            }
        })));

        Assert.Empty(violations);
        Assert.Equal(Situations * EventsEach, handled.Count);
        Assert.Equal(Situations * EventsEach, handled.Select(h => h.Id).Distinct().Count());
        Assert.Equal(0, await writer.CountPendingAsync(CancellationToken.None));
        foreach (var situation in handled.GroupBy(h => h.Situation))
        {
            // One in flight per situation, so the order they were handled in is the order they were claimed in.
            var ids = situation.Select(h => h.Id).ToList();
            Assert.Equal(ids.Order(), ids);
        }
    }

    [Fact]
    public async Task Retention_RemovesOldDeliveredAndSkippedOnesWithTheirAttempts_InBatches_AndKeepsTheRest()
    {
        var a = Harness.Instance("a").Deliveries;
        var ids = new Dictionary<string, long>();
        foreach (var name in new[] { "old-delivered", "old-skipped", "old-dead", "recent", "pending" })
        {
            ids[name] = (await AcceptAsync(a, name)).Id;
        }

        var claimed = await a.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None);
        async Task FinishAsync(string name, DeliveryState state, DateTimeOffset at)
        {
            // A dead letter's last attempt failed; the other states are their attempt's outcome.
            var outcome = state switch { DeliveryState.Delivered => AttemptOutcome.Delivered, DeliveryState.Skipped => AttemptOutcome.Skipped, _ => AttemptOutcome.Failed };
            Assert.True(await a.CompleteAttemptAsync(claimed.Single(d => d.Id == ids[name]).Claim, new DeliveryAttempt(at, outcome, 200, null, null),
                state, "Create", false, null, CancellationToken.None));
        }

        await FinishAsync("old-delivered", DeliveryState.Delivered, T0);
        await FinishAsync("old-skipped", DeliveryState.Skipped, T0.AddMinutes(1));
        await FinishAsync("old-dead", DeliveryState.DeadLettered, T0);
        await FinishAsync("recent", DeliveryState.Delivered, T0.AddDays(29));
        var cutoff = T0.AddDays(1);

        var first = await a.RemoveFinishedAsync(cutoff, 1, CancellationToken.None);
        var afterFirst = await a.FindAsync(ids["old-delivered"], CancellationToken.None);
        var second = await a.RemoveFinishedAsync(cutoff, 1, CancellationToken.None);
        var third = await a.RemoveFinishedAsync(cutoff, 1, CancellationToken.None);

        Assert.Equal((1, 1, 0), (first, second, third));
        Assert.Null(afterFirst);
        Assert.Null(await a.FindAsync(ids["old-skipped"], CancellationToken.None));
        Assert.Empty(await a.GetAttemptsAsync(ids["old-delivered"], CancellationToken.None));
        Assert.Equal(DeliveryState.DeadLettered, await a.GetStateAsync(ids["old-dead"], CancellationToken.None));
        Assert.Single(await a.GetAttemptsAsync(ids["old-dead"], CancellationToken.None));
        Assert.Equal(DeliveryState.Delivered, await a.GetStateAsync(ids["recent"], CancellationToken.None));
        Assert.Equal(DeliveryState.Queued, await a.GetStateAsync(ids["pending"], CancellationToken.None));
    }

    [Fact]
    public async Task Counts_ByStateSinceATime_AndByFilter_AsTheConsoleShowsThem()
    {
        var a = Harness.Instance("a").Deliveries;
        var old = (await a.AcceptAsync(New("s1") with { AcceptedAt = T0.AddDays(-2) }, CancellationToken.None)).Delivery;
        await AcceptAsync(a, "s2");
        await AcceptAsync(a, "s3");
        var claimed = await a.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None);
        Assert.True(await a.CompleteAttemptAsync(claimed.Single(d => d.Id == old.Id).Claim, Failed(), DeliveryState.DeadLettered, "Create", false,
            null, CancellationToken.None));

        var all = await a.CountByStateAsync(null, CancellationToken.None);
        var lastDay = await a.CountByStateAsync(T0.AddDays(-1), CancellationToken.None);

        Assert.Equal(1, all[DeliveryState.DeadLettered]);
        Assert.Equal(2, all[DeliveryState.Queued]);
        Assert.False(lastDay.ContainsKey(DeliveryState.DeadLettered));
        Assert.Equal(2, lastDay[DeliveryState.Queued]);
        Assert.Equal(3, await a.CountAsync(null, null, null, CancellationToken.None));
        Assert.Equal(1, await a.CountAsync(DeliveryState.DeadLettered, "sub", null, CancellationToken.None));
        Assert.Equal(1, await a.CountAsync(null, "sub", "s2", CancellationToken.None));
        Assert.Equal(0, await a.CountAsync(DeliveryState.DeadLettered, "other", null, CancellationToken.None));
    }

    [Fact]
    public async Task ListAndState_FilterByTheStateType()
    {
        var a = Harness.Instance("a").Deliveries;
        var queued = await AcceptAsync(a, "s1");
        var other = await AcceptAsync(a, "s2");
        var claim = (await a.ClaimDueAsync(T0, T0 + Lease, 10, CancellationToken.None)).Single(d => d.Id == other.Id).Claim;
        Assert.True(await a.CompleteAttemptAsync(claim, Failed(), DeliveryState.DeadLettered, "Create", false, null, CancellationToken.None));

        Assert.Equal([other.Id], (await a.ListAsync(DeliveryState.DeadLettered, null, null, 0, 10, CancellationToken.None)).Select(d => d.Id));
        Assert.Equal([queued.Id], (await a.ListAsync(DeliveryState.Queued, null, null, 0, 10, CancellationToken.None)).Select(d => d.Id));
        Assert.Equal(DeliveryState.DeadLettered, await a.GetStateAsync(other.Id, CancellationToken.None));
        Assert.Null(await a.GetStateAsync(987654, CancellationToken.None));
    }

    [Fact]
    public async Task Links_RoundTrip_WithTimesAndFlags_AndFilterByStatusIgnoringCase()
    {
        var tickets = Harness.Instance("a").Tickets;
        var created = new DateTimeOffset(2026, 12, 1, 9, 30, 15, 123, TimeSpan.Zero);
        await tickets.SaveLinkAsync(Link("s1", "NEW", created, closed: false), CancellationToken.None);
        await tickets.SaveLinkAsync(Link("s1", "RESOLVED", created, closed: true) with { UpdatedAt = created.AddMinutes(5) }, CancellationToken.None);
        await tickets.SaveLinkAsync(Link("s2", "NEW", created.AddSeconds(1), closed: false), CancellationToken.None);

        var link = (await tickets.FindLinkAsync("sub", "s1", CancellationToken.None))!;

        Assert.Equal("RESOLVED", link.TicketStatus);
        Assert.True(link.IsClosed);
        Assert.Equal(created, link.CreatedAt);
        Assert.Equal(created.AddMinutes(5), link.UpdatedAt);
        Assert.Equal(["s1"], (await tickets.ListLinksAsync("sub", "resolved", 0, 10, CancellationToken.None)).Select(l => l.SituationId));
        Assert.Equal(["s1", "s2"], (await tickets.ListLinksAsync(null, null, 0, 10, CancellationToken.None)).Select(l => l.SituationId));
        Assert.Null(await tickets.FindLinkAsync("sub", "s3", CancellationToken.None));
    }

    [Fact]
    public async Task MappingRevisions_NeverRepeat_AndIfMatchHoldsAcrossInstances()
    {
        var a = Harness.Instance("a").Mappings;
        var b = Harness.Instance("b").Mappings;

        var created = (await a.SaveAsync("Acme", "{\"v\":1}", 0, T0, CancellationToken.None))!;
        Assert.Null(await b.SaveAsync("acme", "{\"v\":0}", 0, T0, CancellationToken.None));
        var replaced = (await b.SaveAsync("acme", "{\"v\":2}", created.Revision, T0, CancellationToken.None))!;
        Assert.Null(await a.SaveAsync("Acme", "{\"v\":3}", created.Revision, T0, CancellationToken.None));
        Assert.False(await a.DeleteAsync("Acme", created.Revision, CancellationToken.None));
        Assert.True(await a.DeleteAsync("ACME", replaced.Revision, CancellationToken.None));
        var recreated = (await b.SaveAsync("acme", "{\"v\":4}", null, T0, CancellationToken.None))!;

        Assert.Equal(2, replaced.Version);
        Assert.Equal(1, recreated.Version);
        Assert.Equal(3, new[] { created.Revision, replaced.Revision, recreated.Revision }.Distinct().Count());
        Assert.True(recreated.Revision > replaced.Revision);
        var (revision, all) = await a.LoadAllAsync(CancellationToken.None);
        var only = Assert.Single(all);
        Assert.Equal("{\"v\":4}", only.Document);
        Assert.Equal(recreated.Revision, only.Revision);
        Assert.Equal(revision, await b.GetRevisionAsync(CancellationToken.None));
        Assert.True(revision >= recreated.Revision);
    }

    private static NewDelivery New(string situation, string? dedupe = null, string? hash = null) =>
        new("sub", situation, "EVENT-SITUATION.UPDATED", dedupe ?? Guid.NewGuid().ToString("N"), hash ?? Guid.NewGuid().ToString("N"),
            $"{{\"situation\":\"{situation}\"}}", T0);

    private static async Task<DeliveryRecord> AcceptAsync(DeliveryStore store, string situation) =>
        (await store.AcceptAsync(New(situation), CancellationToken.None)).Delivery;

    private static DeliveryAttempt Delivered() => new(T0, AttemptOutcome.Delivered, 200, null, null);

    private static DeliveryAttempt Failed() => new(T0, AttemptOutcome.Failed, 400, "refused", null);

    [Fact]
    public async Task AcceptWithLink_AnswersEachCallWithItsOwnSituationsLink_AlsoWhenManyArriveTogether()
    {
        // A call that does not wait is answered with the link as it stood at its commit; on PostgreSQL the calls that
        // arrive together share a batch and one read of their links (issue 21, item 4).
        var instance = Harness.Instance("a");
        await instance.Tickets.SaveLinkAsync(Link("linked", "NEW", T0, closed: false), CancellationToken.None);
        using var start = new ManualResetEventSlim();
        var accepts = Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            start.Wait();
            var situation = i % 2 == 0 ? "linked" : $"new-{i}";
            return (Situation: situation, Result: await instance.Deliveries.AcceptWithLinkAsync(New(situation), CancellationToken.None));
        })).ToList();
        start.Set();

        foreach (var (situation, (delivery, duplicate, link)) in await Task.WhenAll(accepts))
        {
            Assert.False(duplicate);
            Assert.Equal(situation, delivery.SituationId);
            Assert.Equal(situation == "linked" ? "INC-linked" : null, link?.TicketNumber);
        }
    }

    private static TicketLink Link(string situation, string status, DateTimeOffset created, bool closed) => new()
    {
        Subscription = "sub",
        SituationId = situation,
        TicketId = $"id-{situation}",
        TicketNumber = $"INC-{situation}",
        TicketStatus = status,
        IsClosed = closed,
        CreatedAt = created,
        UpdatedAt = created,
    };

    [Fact]
    public async Task ConsoleSessions_RecordedByOneInstance_EndForEveryInstance_AndExpire()
    {
        var a = new ConsoleSessionStore(Harness.Instance("a").Database);
        var b = new ConsoleSessionStore(Harness.Instance("b").Database);

        var token = await a.StartAsync("ops", T0, T0.AddHours(12), CancellationToken.None);
        var other = await a.StartAsync("ops", T0, T0.AddHours(1), CancellationToken.None);

        Assert.True(await b.IsActiveAsync(token, "ops", T0.AddMinutes(5), CancellationToken.None));
        Assert.False(await b.IsActiveAsync(token, "someone-else", T0.AddMinutes(5), CancellationToken.None));
        Assert.False(await b.IsActiveAsync("a-token-never-issued", "ops", T0.AddMinutes(5), CancellationToken.None));
        Assert.False(await b.IsActiveAsync(other, "ops", T0.AddHours(2), CancellationToken.None));

        Assert.Equal(1, await b.EndAsync(token, CancellationToken.None));
        Assert.False(await a.IsActiveAsync(token, "ops", T0.AddMinutes(6), CancellationToken.None));

        // Only the token's hash is stored: the database alone cannot give a session's cookie its token.
        Assert.Equal(0L, await ScalarAsync(Harness.Instance("a"), $"SELECT COUNT(*) FROM console_sessions WHERE token_hash = '{other}'"));
        Assert.Equal(1, await a.RemoveExpiredAsync(T0.AddHours(2), CancellationToken.None));
        Assert.Equal(0L, await ScalarAsync(Harness.Instance("a"), "SELECT COUNT(*) FROM console_sessions"));
    }

    [Fact]
    public async Task TheOverviewsCountByAcceptanceTime_ReadsAnIndexThatHoldsTheState_NotEveryDelivery()
    {
        var instance = Harness.Instance("a");
        await using var connection = await instance.Database.OpenAsync(CancellationToken.None);
        // The statement as the store writes it (the provider names the index where its planner needs that).
        var count = $"SELECT state, COUNT(*) FROM {instance.Database.Provider.DeliveriesThrough("ix_deliveries_accepted")} WHERE accepted_at >= '2026-12-01' GROUP BY state";
        var plan = new List<string>();
        if (instance.Database.Provider is CloudAlmBridge.Storage.Sqlite.SqliteProvider)
        {
            await using var explain = connection.CreateCommand($"EXPLAIN QUERY PLAN {count};");
            await using var reader = await explain.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(3));
            }

            Assert.Contains(plan, step => step.Contains("USING COVERING INDEX ix_deliveries_accepted", StringComparison.Ordinal));
        }
        else
        {
            // An empty table is scanned whatever the indexes: the planner is asked what it would do without that choice.
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var off = connection.CreateCommand("SET LOCAL enable_seqscan = off;", transaction))
            {
                await off.ExecuteNonQueryAsync();
            }

            await using var explain = connection.CreateCommand($"EXPLAIN {count.Replace("'2026-12-01'", "'2026-12-01T00:00:00Z'::timestamptz", StringComparison.Ordinal)};", transaction);
            await using var reader = await explain.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }

            // An index only scan once VACUUM has marked the pages visible (autovacuum does), a bitmap scan before.
            Assert.Contains(plan, step => step.Contains("Index Only Scan using ix_deliveries_accepted", StringComparison.Ordinal)
                || step.Contains("Bitmap Index Scan on ix_deliveries_accepted", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task DataProtectionKeys_StoredByOneInstance_AreReadByAnother_AndAKeyIsStoredOnce()
    {
        var a = new DataProtectionKeyStore(Harness.Instance("a").Database);
        var b = new DataProtectionKeyStore(Harness.Instance("b").Database);
        var key = new System.Xml.Linq.XElement("key", new System.Xml.Linq.XAttribute("id", "k1"), new System.Xml.Linq.XElement("secret", "abc"));

        await Task.Run(() => a.StoreElement(key, "key-k1"));
        await Task.Run(() => a.StoreElement(key, "key-k1"));
        var read = await Task.Run(() => b.GetAllElements());

        var only = Assert.Single(read);
        Assert.Equal(key.ToString(), only.ToString());
    }

    [Fact]
    public async Task SandboxRecords_AreSharedByInstances_NumberedWithoutReuse_AndChangedOneWriterAtATime()
    {
        var a = Harness.Instance("a").Sandbox;
        var b = Harness.Instance("b").Sandbox;

        // Creates on both instances at once still get distinct numbers, in the order they were given.
        var created = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? a : b).CreateAsync("incident",
            number => Record($"sys{i}", number, $"situation-{i}"), T0, CancellationToken.None)));
        Assert.Equal(Enumerable.Range(10001, 6).Select(n => $"INC{n:D7}"), created.Select(r => r["number"]!.ToString()).Order());
        Assert.Equal(created.Select(r => r["number"]!.ToString()).Order(), (await b.ListAsync("incident", null, CancellationToken.None)).Select(r => r["number"]!.ToString()));

        var found = Assert.Single(await b.ListAsync("incident", "situation-3", CancellationToken.None));
        Assert.Equal("sys3", found["sys_id"]!.ToString());
        Assert.Empty(await a.ListAsync("problem", "situation-3", CancellationToken.None));

        // Concurrent changes of one record each see the other's: none is lost.
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? a : b).UpdateAsync("incident", "sys3", record =>
        {
            record["count"] = (int.Parse(record["count"]?.ToString() ?? "0", System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return null;
        }, T0.AddMinutes(1), CancellationToken.None)));
        Assert.Equal("10", (await a.FindAsync("incident", "sys3", CancellationToken.None))!["count"]!.ToString());

        // A refusal writes nothing; an unknown record is neither found nor refused.
        var (refusedRecord, refusal) = await a.UpdateAsync("incident", "sys3", record =>
        {
            record["state"] = "6";
            return "Data Policy Exception";
        }, T0, CancellationToken.None);
        Assert.Null(refusedRecord);
        Assert.Equal("Data Policy Exception", refusal);
        Assert.Null((await b.FindAsync("incident", "sys3", CancellationToken.None))!["state"]);
        Assert.Equal((null, null), await a.UpdateAsync("incident", "nobody", _ => null, T0, CancellationToken.None));

        // Moving the correlation id moves the look-up with it.
        await a.UpdateAsync("incident", "sys3", record =>
        {
            record["correlation_id"] = "situation-moved";
            return null;
        }, T0, CancellationToken.None);
        Assert.Empty(await b.ListAsync("incident", "situation-3", CancellationToken.None));
        Assert.Single(await b.ListAsync("incident", "situation-moved", CancellationToken.None));

        // A deleted record's number is never given again.
        Assert.True(await b.DeleteAsync("incident", "sys5", CancellationToken.None));
        Assert.False(await a.DeleteAsync("incident", "sys5", CancellationToken.None));
        var after = await a.CreateAsync("incident", number => Record("sys6", number, null), T0, CancellationToken.None);
        Assert.Equal("INC0010007", after["number"]!.ToString());
        Assert.Null(await a.FindAsync("incident", "sys5", CancellationToken.None));
    }

    private static System.Text.Json.Nodes.JsonObject Record(string sysId, long number, string? correlationId) => new()
    {
        ["sys_id"] = sysId,
        ["number"] = $"INC{number:D7}",
        ["correlation_id"] = correlationId,
    };

    private static async Task<long> ScalarAsync(StorageInstance instance, string sql)
    {
        await using var connection = await instance.Database.OpenAsync(CancellationToken.None);
        await using DbCommand command = connection.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
