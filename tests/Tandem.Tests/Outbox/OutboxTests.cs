using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using CsCheck;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Kernel.Outbox;
using Tandem.Kernel.Persistence;
using Tandem.Tests.Infrastructure;
using KernelOutbox = Tandem.Kernel.Outbox.Outbox;

namespace Tandem.Tests.Outbox;

public abstract class OutboxTests(OutboxApp app) : ApiTest(app)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private OutboxApp Host => (OutboxApp)App;

    private ProbeScript Script => Host.Script;

    [Fact]
    public async Task An_event_is_delivered_to_every_handler_once()
    {
        var id = await PublishAsync(new OutboxProbe(NewEventId(), Now(), "once"));

        var message = await WaitForAsync(id, m => m.DispatchedAt is not null);

        message.Attempts.ShouldBe(0);
        message.LockedBy.ShouldBeNull();
        Script.Calls(id, nameof(ProbeHandler)).Count.ShouldBe(1);
        Script.Calls(id, nameof(ProbeAuditHandler)).Count.ShouldBe(1);
        Script.Calls(id, nameof(ProbeLiveHandler)).Count.ShouldBe(1);
        (await ProcessedHandlersAsync(id)).Count.ShouldBe(3);
        (await EchoesOfAsync(id)).ShouldBe(1);
    }

    [Fact]
    public async Task A_handler_that_changes_no_data_is_called_outside_a_transaction_and_recorded_like_the_others()
    {
        var id = await PublishAsync(new OutboxProbe(NewEventId(), Now(), "live"));

        await WaitForAsync(id, m => m.DispatchedAt is not null);

        Script.Calls(id, nameof(ProbeLiveHandler)).Count.ShouldBe(1);
        Script.RanInTransaction(id).ShouldBeFalse();
        (await ProcessedHandlersAsync(id)).ShouldContain(typeof(ProbeLiveHandler).FullName!);
    }

    [Fact]
    public async Task A_batch_whose_no_data_record_another_dispatcher_saved_first_still_closes_and_records_the_rest()
    {
        // Both in one publish, so they are claimed in one batch: the first one's record is saved "elsewhere" while
        // the batch runs, so the batch's closing insert of the records meets it.
        var (taken, other) = (NewEventId(), NewEventId());
        Script.RecordLiveElsewhere(taken);
        await PublishManyAsync(Host, [new OutboxProbe(taken, Now(), "recorded-elsewhere"), new OutboxProbe(other, Now(), "beside-it")]);

        foreach (var id in new[] { taken, other })
        {
            // Within the patience, far shorter than the 30 s lease: the batch closed, not a later claim after it ran out.
            var message = await WaitForAsync(id, m => m.DispatchedAt is not null);
            message.Attempts.ShouldBe(0);
            message.LastError.ShouldBeNull();
            Script.Calls(id, nameof(ProbeLiveHandler)).Count.ShouldBe(1);
            (await ProcessedHandlersAsync(id)).Count.ShouldBe(3);
        }
    }

    [Fact]
    public async Task A_failing_handler_that_changes_no_data_is_retried_alone_and_recorded_once_it_succeeds()
    {
        var id = NewEventId();
        Script.FailLiveTimes(id, 2);
        await PublishAsync(new OutboxProbe(id, Now(), "live-flaky"));

        var message = await WaitForAsync(id, m => m.DispatchedAt is not null);

        message.Attempts.ShouldBe(2);
        message.LastError.ShouldNotBeNull().ShouldContain("live probe failure on live-flaky");
        Script.Calls(id, nameof(ProbeLiveHandler)).Count.ShouldBe(3);
        Script.Calls(id, nameof(ProbeHandler)).Count.ShouldBe(1);
        Script.Calls(id, nameof(ProbeAuditHandler)).Count.ShouldBe(1);
        (await EchoesOfAsync(id)).ShouldBe(1);
        (await ProcessedHandlersAsync(id)).Count.ShouldBe(3);
    }

    [Fact]
    public async Task A_failing_handler_is_retried_with_growing_waits_until_it_succeeds()
    {
        var probe = new OutboxProbe(NewEventId(), Now(), "flaky");
        Script.FailTimes(probe.EventId, 3);
        await PublishAsync(probe);

        var message = await WaitForAsync(probe.EventId, m => m.DispatchedAt is not null);

        message.Attempts.ShouldBe(3);
        message.LastError.ShouldNotBeNull().ShouldContain("probe failure on flaky");
        var calls = Script.Calls(probe.EventId, nameof(ProbeHandler));
        calls.Count.ShouldBe(4);
        // Base 200 ms with equal jitter: the n-th wait lies in [100 ms·2^(n-1), 200 ms·2^(n-1)].
        var waits = calls.Zip(calls.Skip(1), (a, b) => (b.At - a.At).TotalMilliseconds).ToArray();
        waits[0].ShouldBeGreaterThanOrEqualTo(95);
        waits[1].ShouldBeGreaterThanOrEqualTo(195);
        waits[2].ShouldBeGreaterThanOrEqualTo(395);
        // The handler that succeeded at once is not run again on the retries...
        Script.Calls(probe.EventId, nameof(ProbeAuditHandler)).Count.ShouldBe(1);
        // ...and the failed attempts' effects rolled back: one echo, from the attempt that succeeded.
        (await EchoesOfAsync(probe.EventId)).ShouldBe(1);
    }

    [Fact]
    public async Task After_the_last_attempt_a_message_is_parked_where_an_operator_sees_and_replays_it()
    {
        var probe = new OutboxProbe(NewEventId(), Now(), "poison");
        Script.FailAlways(probe.EventId);
        await PublishAsync(probe);

        var parked = await WaitForAsync(probe.EventId, m => m.ParkedAt is not null);
        parked.Attempts.ShouldBe(4);
        parked.DispatchedAt.ShouldBeNull();
        Script.Calls(probe.EventId, nameof(ProbeHandler)).Count.ShouldBe(4);
        (await EchoesOfAsync(probe.EventId)).ShouldBe(0);
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        Script.Calls(probe.EventId, nameof(ProbeHandler)).Count.ShouldBe(4, "a parked message is not retried");

        var admin = ClientWithToken(Host.AdminToken);
        var listed = await FindParkedAsync(admin, probe.EventId);
        listed.ShouldNotBeNull();
        listed.Value.GetProperty("type").GetString().ShouldBe(KernelOutbox.EventTypeName(typeof(OutboxProbe)));
        listed.Value.GetProperty("attempts").GetInt32().ShouldBe(4);
        listed.Value.GetProperty("lastError").GetString().ShouldNotBeNull().ShouldContain("probe failure on poison");
        listed.Value.GetProperty("payload").GetProperty("label").GetString().ShouldBe("poison");
        listed.Value.GetProperty("parkedAt").GetDateTimeOffset().Offset.ShouldBe(TimeSpan.Zero);

        Script.Heal(probe.EventId);
        var replay = await (await admin.PostAsync($"/api/v1/platform/outbox/{probe.EventId}/replay", null, Ct)).ShouldHave(HttpStatusCode.Accepted);
        replay.GetProperty("messageId").GetGuid().ShouldBe(probe.EventId);
        replay.GetProperty("attempts").GetInt32().ShouldBe(0);

        await WaitForAsync(probe.EventId, m => m.DispatchedAt is not null);
        Script.Calls(probe.EventId, nameof(ProbeHandler)).Count.ShouldBe(5);
        Script.Calls(probe.EventId, nameof(ProbeAuditHandler)).Count.ShouldBe(1);
        (await EchoesOfAsync(probe.EventId)).ShouldBe(1);
        (await FindParkedAsync(admin, probe.EventId)).ShouldBeNull();

        await (await admin.PostAsync($"/api/v1/platform/outbox/{probe.EventId}/replay", null, Ct))
            .ShouldBeProblem(HttpStatusCode.Conflict, "not_parked");
    }

    [Fact]
    public async Task Only_platform_admins_see_and_replay_parked_messages()
    {
        await (await Anonymous().GetAsync("/api/v1/platform/outbox/parked", Ct)).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
        var user = await NewUserAsync();
        await (await user.Client.GetAsync("/api/v1/platform/outbox/parked", Ct)).ShouldBeProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await user.Client.PostAsync($"/api/v1/platform/outbox/{NewEventId()}/replay", null, Ct)).ShouldBeProblem(HttpStatusCode.Forbidden, "forbidden");

        var admin = ClientWithToken(Host.AdminToken);
        await (await admin.PostAsync($"/api/v1/platform/outbox/{NewEventId()}/replay", null, Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await admin.PostAsync("/api/v1/platform/outbox/not-an-id/replay", null, Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await admin.GetAsync("/api/v1/platform/outbox/parked?limit=0", Ct)).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        var page = await (await admin.GetAsync("/api/v1/platform/outbox/parked?limit=1", Ct)).ShouldHave(HttpStatusCode.OK);
        page.GetProperty("items").ValueKind.ShouldBe(JsonValueKind.Array);
    }

    [Fact]
    public async Task A_redelivered_event_changes_nothing()
    {
        var id = await PublishAsync(new OutboxProbe(NewEventId(), Now(), "again"));
        await WaitForAsync(id, m => m.DispatchedAt is not null);

        // As if the host crashed after the handlers committed but before the message was marked delivered.
        await using (var scope = Host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            var now = Now();
            await db.Set<OutboxMessage>().Where(m => m.Id == id)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.DispatchedAt, (DateTime?)null).SetProperty(m => m.NextAttemptAt, now), Ct);
        }

        await WaitForAsync(id, m => m.DispatchedAt is not null);
        Script.Calls(id, nameof(ProbeHandler)).Count.ShouldBe(1);
        Script.Calls(id, nameof(ProbeAuditHandler)).Count.ShouldBe(1);
        Script.Calls(id, nameof(ProbeLiveHandler)).Count.ShouldBe(1);
        (await EchoesOfAsync(id)).ShouldBe(1);
        (await ProcessedHandlersAsync(id)).Count.ShouldBe(3);
    }

    [Fact]
    public async Task A_message_claimed_by_a_host_that_died_is_delivered_after_its_lease_runs_out()
    {
        var probe = new OutboxProbe(NewEventId(), Now(), "orphaned");
        var leaseEnds = Now().AddSeconds(1.5);
        await using (var scope = Host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            scope.ServiceProvider.GetRequiredService<KernelOutbox>().Publish(probe);
            var message = db.ChangeTracker.Entries<OutboxMessage>().Single().Entity;
            message.LockedBy = "a-host-that-crashed";
            message.LockedUntil = leaseEnds;
            await db.SaveChangesAsync(Ct);
        }

        await WaitForAsync(probe.EventId, m => m.DispatchedAt is not null);
        var calls = Script.Calls(probe.EventId, nameof(ProbeHandler));
        calls.Count.ShouldBe(1);
        calls[0].At.ShouldBeGreaterThanOrEqualTo(leaseEnds.AddMilliseconds(-20));
    }

    [Fact]
    public async Task Two_hosts_on_one_database_deliver_each_event_once()
    {
        var second = await Host.SecondHostAsync();
        Script.Work = TimeSpan.FromMilliseconds(2);
        try
        {
            var probes = Enumerable.Range(0, 200).Select(i => new OutboxProbe(NewEventId(), Now(), $"pair-{i}")).ToList();
            // Half published through each host, all at once.
            await Task.WhenAll(
                PublishManyAsync(Host, probes.Take(100)),
                PublishManyAsync(second, probes.Skip(100)));

            var ids = probes.Select(p => p.EventId).ToList();
            await EventuallyAsync(async () =>
            {
                await using var scope = Host.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
                return await db.Set<OutboxMessage>().CountAsync(m => ids.Contains(m.Id) && m.DispatchedAt != null, Ct) == ids.Count;
            });

            foreach (var id in ids)
            {
                Script.Calls(id, nameof(ProbeHandler)).Count.ShouldBe(1, $"event {id}");
                Script.Calls(id, nameof(ProbeAuditHandler)).Count.ShouldBe(1, $"event {id}");
                Script.Calls(id, nameof(ProbeLiveHandler)).Count.ShouldBe(1, $"event {id}");
            }

            await using var check = Host.Services.CreateAsyncScope();
            var processed = await check.ServiceProvider.GetRequiredService<TandemDbContext>().Set<ProcessedEvent>()
                .CountAsync(p => ids.Contains(p.EventId), Ct);
            processed.ShouldBe(600);
            var hosts = ids.Select(id => Script.Calls(id, nameof(ProbeHandler))[0].Host).Distinct().Order().ToList();
            TestContext.Current.SendDiagnosticMessage($"hosts that delivered: {string.Join(", ", hosts)}");
        }
        finally
        {
            Script.Work = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task An_event_no_handler_listens_to_is_marked_delivered()
    {
        var id = await PublishAsync(new UnheardEvent(NewEventId(), Now()));
        var message = await WaitForAsync(id, m => m.DispatchedAt is not null);
        message.Attempts.ShouldBe(0);
        (await ProcessedHandlersAsync(id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Deliveries_are_measured_on_the_Tandem_Outbox_meter()
    {
        long delivered = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Tandem.Outbox" && instrument.Name == "tandem.outbox.delivered")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref delivered, value));
        listener.Start();

        var id = await PublishAsync(new OutboxProbe(NewEventId(), Now(), "measured"));
        await WaitForAsync(id, m => m.DispatchedAt is not null);
        await EventuallyAsync(() => Task.FromResult(Interlocked.Read(ref delivered) > 0));
    }

    private static Guid NewEventId() => Guid.CreateVersion7();

    private static DateTime Now() => TimeProvider.System.GetUtcNow().UtcDateTime;

    private Task<Guid> PublishAsync<TEvent>(TEvent integrationEvent) where TEvent : IIntegrationEvent =>
        PublishManyAsync(Host, [integrationEvent]).ContinueWith(_ => integrationEvent.EventId, TaskScheduler.Default);

    private async Task PublishManyAsync<TEvent>(TandemApp host, IEnumerable<TEvent> events) where TEvent : IIntegrationEvent
    {
        await using var scope = host.Services.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<KernelOutbox>();
        foreach (var e in events)
        {
            outbox.Publish(e);
        }

        await scope.ServiceProvider.GetRequiredService<TandemDbContext>().SaveChangesAsync(Ct);
    }

    private async Task<OutboxMessage> WaitForAsync(Guid id, Func<OutboxMessage, bool> condition)
    {
        OutboxMessage? message = null;
        await EventuallyAsync(async () =>
        {
            await using var scope = Host.Services.CreateAsyncScope();
            message = await scope.ServiceProvider.GetRequiredService<TandemDbContext>().Set<OutboxMessage>()
                .AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, Ct);
            return message is not null && condition(message);
        });
        return message!;
    }

    private async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = TimeProvider.System.GetTimestamp();
        while (!await condition())
        {
            TimeProvider.System.GetElapsedTime(deadline).ShouldBeLessThan(Patience, "the outbox did not get there in time");
            await Task.Delay(25, Ct);
        }
    }

    private async Task<List<string>> ProcessedHandlersAsync(Guid id)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TandemDbContext>().Set<ProcessedEvent>()
            .Where(p => p.EventId == id).Select(p => p.Handler).ToListAsync(Ct);
    }

    private async Task<int> EchoesOfAsync(Guid probeId)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var type = KernelOutbox.EventTypeName(typeof(ProbeEcho));
        var payloads = await scope.ServiceProvider.GetRequiredService<TandemDbContext>().Set<OutboxMessage>()
            .Where(m => m.Type == type).Select(m => m.Payload).ToListAsync(Ct);
        return payloads.Count(p => JsonSerializer.Deserialize<ProbeEcho>(p, JsonSerializerOptions.Web)!.ProbeId == probeId);
    }

    private async Task<JsonElement?> FindParkedAsync(HttpClient admin, Guid id)
    {
        string? cursor = null;
        do
        {
            var page = await (await admin.GetAsync($"/api/v1/platform/outbox/parked?limit=200{(cursor is null ? "" : "&cursor=" + cursor)}", Ct))
                .ShouldHave(HttpStatusCode.OK);
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                if (item.GetProperty("messageId").GetGuid() == id)
                {
                    return item;
                }
            }

            cursor = page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);

        return null;
    }
}

public sealed class OutboxTests_Sqlite(OutboxSqliteApp app) : OutboxTests(app), IClassFixture<OutboxSqliteApp>;

public sealed class OutboxTests_Postgres(OutboxPostgresApp app) : OutboxTests(app), IClassFixture<OutboxPostgresApp>;

public sealed class OutboxBackoffTests
{
    [Fact]
    public void Each_wait_lies_between_half_and_all_of_the_doubled_delay_and_never_exceeds_the_cap()
    {
        var baseDelay = TimeSpan.FromSeconds(2);
        var max = TimeSpan.FromMinutes(10);
        Gen.Select(Gen.Int[1, 40], Gen.Double[0, 1]).Sample((attempt, random) =>
        {
            var ceiling = Math.Min(baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30)), max.TotalMilliseconds);
            var delay = OutboxBackoff.Delay(attempt, baseDelay, max, random).TotalMilliseconds;
            return delay >= ceiling / 2 - 1 && delay <= ceiling + 1;
        });
    }

    [Fact]
    public void The_shortest_next_wait_is_no_shorter_than_the_longest_wait_before_it_until_the_cap()
    {
        var baseDelay = TimeSpan.FromMilliseconds(200);
        var max = TimeSpan.FromSeconds(30);
        // 200 ms · 2^7 = 25.6 s is the last uncapped ceiling.
        for (var attempt = 1; attempt < 8; attempt++)
        {
            OutboxBackoff.Delay(attempt + 1, baseDelay, max, 0).ShouldBeGreaterThanOrEqualTo(OutboxBackoff.Delay(attempt, baseDelay, max, 1));
        }

        OutboxBackoff.Delay(30, baseDelay, max, 1).ShouldBe(max);
    }
}
