using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Delivery.Dispatch;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Delivery.Lifecycle;

/// <summary>
/// The dispatch lease that lets one host of several on a database plan at a time. Each <see cref="DispatchLease"/>
/// below is a host: its own holder identity, and a DbContext (connection) of its own for every step, all on the one
/// database of the fixture.
/// </summary>
public abstract class DispatchLeaseTests(TandemApp app) : DeliveryTest(app)
{
    private IServiceScopeFactory Scopes => App.Services.GetRequiredService<IServiceScopeFactory>();

    private DispatchLease Host(string name, string holder, TimeProvider? clock = null) =>
        new(Scopes, clock ?? TimeProvider.System, () => TimeSpan.FromSeconds(30), name, holder);

    [Fact]
    public async Task At_most_one_host_holds_the_lease_however_many_try_at_once()
    {
        var name = $"test-{Guid.NewGuid():N}"[..30];
        var hosts = Enumerable.Range(0, 6).Select(i => Host(name, $"host-{i}")).ToList();
        var held = new ConcurrentBag<(string Holder, long From, long To)>();
        var refused = 0;

        await Task.WhenAll(hosts.Select(host => Task.Run(async () =>
        {
            for (var attempt = 0; attempt < 15; attempt++)
            {
                if (!await host.TryAcquireAsync(Ct))
                {
                    Interlocked.Increment(ref refused);
                    await Task.Yield();
                    continue;
                }

                var from = Stopwatch.GetTimestamp();
                // "Planning": renew once while holding it, as the runner does.
                (await host.RenewAsync(Ct)).ShouldBeTrue();
                await Task.Delay(Random.Shared.Next(0, 3), Ct);
                var to = Stopwatch.GetTimestamp();
                held.Add((host.Holder, from, to));
                await host.ReleaseAsync(Ct);
            }
        }, Ct)));

        held.ShouldNotBeEmpty();
        (held.Count + refused).ShouldBe(6 * 15);
        var ordered = held.OrderBy(h => h.From).ToList();
        var latest = ordered[0];
        foreach (var interval in ordered.Skip(1))
        {
            interval.From.ShouldBeGreaterThan(latest.To, $"{interval.Holder} took the lease while {latest.Holder} still held it");
            latest = interval.To > latest.To ? interval : latest;
        }
    }

    [Fact]
    public async Task An_expired_lease_is_taken_over_and_its_old_holder_can_no_longer_renew_it()
    {
        var name = $"test-{Guid.NewGuid():N}"[..30];
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var a = Host(name, "host-a", clock);
        var b = Host(name, "host-b", clock);

        (await a.TryAcquireAsync(Ct)).ShouldBeTrue();
        (await b.TryAcquireAsync(Ct)).ShouldBeFalse();
        clock.Advance(TimeSpan.FromSeconds(20));
        (await a.RenewAsync(Ct)).ShouldBeTrue();
        clock.Advance(TimeSpan.FromSeconds(20));
        (await b.TryAcquireAsync(Ct)).ShouldBeFalse(); // renewed 20 s ago: 10 s left

        clock.Advance(TimeSpan.FromSeconds(11)); // host a went quiet (crashed, paused) past its expiry
        (await b.TryAcquireAsync(Ct)).ShouldBeTrue();
        (await a.RenewAsync(Ct)).ShouldBeFalse();
        (await a.TryAcquireAsync(Ct)).ShouldBeFalse();

        await a.ReleaseAsync(Ct); // releasing what it no longer holds changes nothing
        (await a.TryAcquireAsync(Ct)).ShouldBeFalse();
        await b.ReleaseAsync(Ct);
        (await a.TryAcquireAsync(Ct)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_host_that_does_not_hold_the_dispatch_lease_skips_the_batch()
    {
        var admin = await AdminAsync();
        var other = Host(DispatchLease.DispatchName, "another-host");
        (await other.TryAcquireAsync(Ct)).ShouldBeTrue();
        try
        {
            var skipped = await (await admin.PostAsync("/api/v1/dispatch/batches", null, Ct)).ShouldHave(HttpStatusCode.OK);
            skipped.GetProperty("skipped").GetBoolean().ShouldBeTrue();
        }
        finally
        {
            await other.ReleaseAsync(Ct);
        }

        var ran = await (await admin.PostAsync("/api/v1/dispatch/batches", null, Ct)).ShouldHave(HttpStatusCode.OK);
        ran.GetProperty("skipped").GetBoolean().ShouldBeFalse();
        // The host released the lease after its batch: another host may take it at once.
        (await other.TryAcquireAsync(Ct)).ShouldBeTrue();
        await other.ReleaseAsync(Ct);
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}

public sealed class DispatchLeaseTests_Sqlite(DeliverySqliteApp app) : DispatchLeaseTests(app), IClassFixture<DeliverySqliteApp>;

public sealed class DispatchLeaseTests_Postgres(DeliveryPostgresApp app) : DispatchLeaseTests(app), IClassFixture<DeliveryPostgresApp>;
