using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Tandem.Identity;
using Tandem.Kernel.Outbox;
using Tandem.Kernel.Persistence;
using Tandem.Tests.Acceptance;
using Tandem.Tests.Infrastructure;
using KernelOutbox = Tandem.Kernel.Outbox.Outbox;

namespace Tandem.Tests.Outbox;

/// <summary>A test-only event the probe handlers listen to.</summary>
public sealed record OutboxProbe(Guid EventId, DateTime OccurredAt, string Label) : IIntegrationEvent;

/// <summary>The probe handler's effect: a follow-up event, written in the handler's transaction.</summary>
public sealed record ProbeEcho(Guid EventId, DateTime OccurredAt, Guid ProbeId) : IIntegrationEvent;

/// <summary>An event no handler listens to.</summary>
public sealed record UnheardEvent(Guid EventId, DateTime OccurredAt) : IIntegrationEvent;

/// <summary>Which host a handler ran in.</summary>
public sealed record HostLabel(string Name);

/// <summary>Tells the probe handlers when to fail and records every call, across all hosts of a fixture.</summary>
public sealed class ProbeScript
{
    private readonly ConcurrentDictionary<Guid, int> _failuresLeft = new();
    private readonly ConcurrentDictionary<(Guid, string), ConcurrentQueue<(string Host, DateTime At)>> _calls = new();

    /// <summary>How long the probe handler works, to widen race windows.</summary>
    public TimeSpan Work { get; set; }

    private readonly ConcurrentDictionary<Guid, int> _liveFailuresLeft = new();
    private readonly ConcurrentDictionary<Guid, bool> _inTransaction = new();

    public void FailTimes(Guid eventId, int times) => _failuresLeft[eventId] = times;

    /// <summary>Makes the live probe (and only it) fail this many times on the event.</summary>
    public void FailLiveTimes(Guid eventId, int times) => _liveFailuresLeft[eventId] = times;

    public bool ShouldFailLive(Guid eventId) =>
        _liveFailuresLeft.ContainsKey(eventId) && _liveFailuresLeft.AddOrUpdate(eventId, -1, (_, left) => left - 1) >= 0;

    public void InTransaction(Guid eventId) => _inTransaction[eventId] = true;

    private readonly ConcurrentDictionary<Guid, bool> _recordElsewhere = new();

    /// <summary>Makes the live probe record its own call on the event, as another dispatcher would after this one's lease ran out.</summary>
    public void RecordLiveElsewhere(Guid eventId) => _recordElsewhere[eventId] = true;

    public bool ShouldRecordLiveElsewhere(Guid eventId) => _recordElsewhere.TryRemove(eventId, out _);

    /// <summary>True when the live probe found a transaction open while it handled the event.</summary>
    public bool RanInTransaction(Guid eventId) => _inTransaction.ContainsKey(eventId);

    public void FailAlways(Guid eventId) => _failuresLeft[eventId] = int.MaxValue;

    public void Heal(Guid eventId) => _failuresLeft[eventId] = 0;

    public void Record(Guid eventId, string handler, string host) =>
        _calls.GetOrAdd((eventId, handler), _ => new()).Enqueue((host, TimeProvider.System.GetUtcNow().UtcDateTime));

    public IReadOnlyList<(string Host, DateTime At)> Calls(Guid eventId, string handler) =>
        _calls.TryGetValue((eventId, handler), out var calls) ? [.. calls] : [];

    public bool ShouldFail(Guid eventId)
    {
        while (true)
        {
            var left = _failuresLeft.GetValueOrDefault(eventId);
            if (left <= 0)
            {
                return false;
            }

            if (left == int.MaxValue || _failuresLeft.TryUpdate(eventId, left - 1, left))
            {
                return true;
            }
        }
    }
}

/// <summary>Publishes an echo (its effect) and then fails when the script says so: the echo must roll back.</summary>
public sealed class ProbeHandler(ProbeScript script, HostLabel host, KernelOutbox outbox, TimeProvider clock) : IIntegrationEventHandler<OutboxProbe>
{
    public async Task HandleAsync(OutboxProbe integrationEvent, CancellationToken ct)
    {
        script.Record(integrationEvent.EventId, nameof(ProbeHandler), host.Name);
        if (script.Work > TimeSpan.Zero)
        {
            await Task.Delay(script.Work, ct);
        }

        outbox.Publish(new ProbeEcho(Guid.CreateVersion7(), clock.GetUtcNow().UtcDateTime, integrationEvent.EventId));
        if (script.ShouldFail(integrationEvent.EventId))
        {
            throw new InvalidOperationException($"probe failure on {integrationEvent.Label}");
        }
    }
}

/// <summary>A second handler of the same event that always succeeds.</summary>
public sealed class ProbeAuditHandler(ProbeScript script, HostLabel host) : IIntegrationEventHandler<OutboxProbe>
{
    public Task HandleAsync(OutboxProbe integrationEvent, CancellationToken ct)
    {
        script.Record(integrationEvent.EventId, nameof(ProbeAuditHandler), host.Name);
        return Task.CompletedTask;
    }
}

/// <summary>
/// A third handler that changes no data, as a live push would: the dispatcher calls it outside a transaction. It notes
/// whether it found one open on its scope's context, and fails when the script says so. When the script says so it
/// also records its call itself, standing in for another dispatcher that recorded it first.
/// </summary>
[ChangesNoData]
public sealed class ProbeLiveHandler(ProbeScript script, HostLabel host, TandemDbContext db) : IIntegrationEventHandler<OutboxProbe>
{
    public async Task HandleAsync(OutboxProbe integrationEvent, CancellationToken ct)
    {
        script.Record(integrationEvent.EventId, nameof(ProbeLiveHandler), host.Name);
        if (db.Database.CurrentTransaction is not null)
        {
            script.InTransaction(integrationEvent.EventId);
        }

        if (script.ShouldRecordLiveElsewhere(integrationEvent.EventId))
        {
            db.Set<ProcessedEvent>().Add(new ProcessedEvent
            {
                EventId = integrationEvent.EventId,
                Handler = typeof(ProbeLiveHandler).FullName!,
                ProcessedAt = TimeProvider.System.GetUtcNow().UtcDateTime,
            });
            await db.SaveChangesAsync(ct);
        }

        if (script.ShouldFailLive(integrationEvent.EventId))
        {
            throw new InvalidOperationException($"live probe failure on {integrationEvent.Label}");
        }
    }
}

/// <summary>
/// A host with the probe handlers, fast outbox settings and a platform admin, on its own database.
/// <see cref="SecondHostAsync"/> starts another host on the same database, as a second server would.
/// </summary>
public abstract class OutboxApp : TandemApp
{
    public const string AdminPhone = "+8613900000077";

    private readonly SemaphoreSlim _secondLock = new(1, 1);
    private OutboxHost? _second;

    public ProbeScript Script { get; } = new();

    public string AdminToken { get; private set; } = "";

    internal static IEnumerable<KeyValuePair<string, string?>> OutboxSettings() =>
    [
        new("Tandem:Outbox:PollInterval", "00:00:00.050"),
        new("Tandem:Outbox:RetryBaseDelay", "00:00:00.200"),
        new("Tandem:Outbox:RetryMaxDelay", "00:00:02"),
        new("Tandem:Outbox:MaxAttempts", "4"),
        new("Tandem:Outbox:LeaseDuration", "00:00:30"),
        new("Tandem:Platform:AdminPhones:0", AdminPhone),
        // The probes fail on purpose; their stack traces would only bury real failures in the output.
        new("Logging:LogLevel:Tandem.Kernel.Outbox", "None"),
    ];

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => OutboxSettings();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => AddProbes(s, Script, "A"));
    }

    internal static void AddProbes(IServiceCollection services, ProbeScript script, string host)
    {
        services.AddSingleton(script);
        services.AddSingleton(new HostLabel(host));
        services.AddIntegrationEventHandler<OutboxProbe, ProbeHandler>();
        services.AddIntegrationEventHandler<OutboxProbe, ProbeAuditHandler>();
        services.AddIntegrationEventHandler<OutboxProbe, ProbeLiveHandler>();
    }

    /// <summary>The settings that point a host at this fixture's database.</summary>
    internal IEnumerable<KeyValuePair<string, string?>> SharedDatabaseSettings() => DatabaseSettings();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        if (Unavailable is not null)
        {
            return;
        }

        // Register the admin's phone, then run the configured-admin bootstrap again (it ran at start, before the user existed).
        var response = await Anonymous().PostAsJsonAsync("/api/v1/auth/register", new { phone = AdminPhone, password = "operator password", displayName = "运维" });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        AdminToken = (await response.Json()).GetProperty("accessToken").GetString()!;
        await using var scope = Services.CreateAsyncScope();
        await IdentityModule.BootstrapAdminsAsync(scope.ServiceProvider, Services.GetRequiredService<IConfiguration>(), NullLogger.Instance, CancellationToken.None);
    }

    /// <summary>A second host on the same database with the same handlers (labelled "B").</summary>
    public async Task<TandemApp> SecondHostAsync()
    {
        await _secondLock.WaitAsync();
        try
        {
            if (_second is null)
            {
                var second = new OutboxHost(Provider, SharedDatabaseSettings().ToList(), Script);
                await second.InitializeAsync();
                _second = second;
            }

            return _second;
        }
        finally
        {
            _secondLock.Release();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (_second is not null)
        {
            await _second.DisposeAsync();
        }

        _secondLock.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>Another host on an existing outbox fixture's database.</summary>
internal sealed class OutboxHost(string provider, IReadOnlyList<KeyValuePair<string, string?>> database, ProbeScript script) : TandemApp
{
    public override string Provider => provider;

    protected override IEnumerable<KeyValuePair<string, string?>> DatabaseSettings() => database;

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => OutboxApp.OutboxSettings();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => OutboxApp.AddProbes(s, script, "B"));
    }
}

public sealed class OutboxSqliteApp : OutboxApp
{
    private readonly PrivateSqliteDatabase _database = new();

    public override string Provider => "sqlite";

    protected override IEnumerable<KeyValuePair<string, string?>> DatabaseSettings() => _database.Settings();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Delete();
    }
}

public sealed class OutboxPostgresApp : OutboxApp
{
    private readonly PrivatePostgresDatabase _database = new("tandem_outbox");

    public OutboxPostgresApp() => Unavailable = _database.Unavailable;

    public override string Provider => "postgres";

    protected override IEnumerable<KeyValuePair<string, string?>> DatabaseSettings() => _database.Settings();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DropAsync();
    }
}
