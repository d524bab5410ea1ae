using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tandem.Kernel.Persistence;

namespace Tandem.Kernel.Outbox;

/// <summary>
/// Delivers due outbox messages at least once. Several hosts may run it on one database: a batch is
/// claimed with a lease (one conditional update of <c>LockedUntil</c>/<c>LockedBy</c>, atomic per row on
/// SQLite and PostgreSQL), so two hosts never deliver the same message at the same time; a crashed host's
/// claim simply runs out and the message comes again, which idempotent handlers shrug off. Failures are
/// retried with exponential backoff and jitter; after <see cref="OutboxOptions.MaxAttempts"/> the message is parked.
/// </summary>
internal sealed class OutboxDispatcher(
    IServiceScopeFactory scopes,
    OutboxDelivery delivery,
    IOptionsMonitor<OutboxOptions> options,
    TimeProvider clock,
    OutboxMetrics metrics,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan CleanupEvery = TimeSpan.FromHours(1);
    private DateTime _nextCleanup = DateTime.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var settings = options.CurrentValue;
            var claimed = 0;
            try
            {
                if (settings.Enabled)
                {
                    claimed = await DispatchDueAsync(settings, stoppingToken);
                    await CleanUpAsync(settings, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "An outbox dispatch round failed; trying again after {PollInterval}", settings.PollInterval);
            }

            if (claimed >= settings.BatchSize)
            {
                continue; // more may be waiting
            }

            try
            {
                await Task.Delay(settings.PollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Claims up to one batch of due messages, delivers them and records the outcome. Returns how many were claimed.</summary>
    internal async Task<int> DispatchDueAsync(OutboxOptions settings, CancellationToken ct)
    {
        var claim = Guid.NewGuid().ToString("N");
        var batch = await ClaimAsync(claim, settings, ct);
        if (batch.Count == 0)
        {
            return 0;
        }

        metrics.Claimed(batch.Count);
        var delivered = new List<OutboxMessage>();
        IReadOnlyList<ProcessedEvent> handled = [];
        try
        {
            var outcome = await delivery.DeliverBatchAsync(batch, settings.Concurrency, ct);
            handled = outcome.Handled;
            foreach (var message in batch)
            {
                if (outcome.Errors.TryGetValue(message.Id, out var error))
                {
                    await RecordFailureAsync(message, error, settings, ct);
                }
                else
                {
                    delivered.Add(message);
                }
            }
        }
        finally
        {
            // Record what was delivered even when shutting down, and hand back the rest at once.
            await FinishAsync(claim, batch, delivered, handled, ct.IsCancellationRequested ? CancellationToken.None : ct);
        }

        return batch.Count;
    }

    private async Task<IReadOnlyList<OutboxMessage>> ClaimAsync(string claim, OutboxOptions settings, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var messages = db.Set<OutboxMessage>();
        var now = clock.GetUtcNow().UtcDateTime;

        var due = await messages.AsNoTracking()
            .Where(m => m.DispatchedAt == null && m.ParkedAt == null && m.NextAttemptAt <= now
                && (m.LockedUntil == null || m.LockedUntil < now))
            .OrderBy(m => m.NextAttemptAt)
            .Select(m => m.Id)
            .Take(settings.BatchSize)
            .ToListAsync(ct);
        if (due.Count == 0)
        {
            return [];
        }

        // The lease: the condition is evaluated again under the row lock (PostgreSQL re-checks a row
        // another transaction just updated; SQLite has one writer), so only one claim wins each message.
        // It re-checks the due time too: between our look and our claim another dispatcher may have tried
        // the message, failed and released it with a later NextAttemptAt, which this claim must respect.
        var leaseEnds = now + settings.LeaseDuration;
        var won = await messages
            .Where(m => due.Contains(m.Id) && m.DispatchedAt == null && m.ParkedAt == null && m.NextAttemptAt <= now
                && (m.LockedUntil == null || m.LockedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedBy, claim).SetProperty(m => m.LockedUntil, leaseEnds), ct);
        if (won == 0)
        {
            return [];
        }

        return await messages.AsNoTracking()
            .Where(m => due.Contains(m.Id) && m.LockedBy == claim)
            .ToListAsync(ct);
    }

    private async Task RecordFailureAsync(OutboxMessage message, string error, OutboxOptions settings, CancellationToken ct)
    {
        var attempts = message.Attempts + 1;
        var now = clock.GetUtcNow().UtcDateTime;
        var park = attempts >= settings.MaxAttempts;
        var next = now + OutboxBackoff.Delay(attempts, settings.RetryBaseDelay, settings.RetryMaxDelay, Random.Shared.NextDouble());
        DateTime? parkedAt = park ? now : null;
        var lastError = error.Length > 4000 ? error[..4000] : error;

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        await db.Set<OutboxMessage>()
            .Where(m => m.Id == message.Id && m.DispatchedAt == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Attempts, attempts)
                .SetProperty(m => m.LastError, lastError)
                .SetProperty(m => m.NextAttemptAt, next)
                .SetProperty(m => m.ParkedAt, parkedAt)
                .SetProperty(m => m.LockedUntil, (DateTime?)null)
                .SetProperty(m => m.LockedBy, (string?)null), ct);

        metrics.Failed();
        if (park)
        {
            metrics.Parked();
            logger.LogError("Outbox message {MessageId} ({Type}) parked after {Attempts} attempts: {Error}", message.Id, message.Type, attempts, lastError);
        }
        else
        {
            logger.LogInformation("Outbox message {MessageId} ({Type}) failed attempt {Attempts}; next at {NextAttemptAt:o}", message.Id, message.Type, attempts, next);
        }
    }

    /// <summary>
    /// Closes the batch in one transaction: the records of the calls to handlers that change no data, the delivered
    /// messages marked, the leases a shutdown left released. (Saved apart, each chunk's records were a commit of its own,
    /// and on SQLite a disk sync under the one write lock.)
    /// </summary>
    private async Task FinishAsync(
        string claim, IReadOnlyList<OutboxMessage> batch, IReadOnlyList<OutboxMessage> delivered, IReadOnlyList<ProcessedEvent> handled, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var ids = delivered.Select(m => m.Id).ToList();
        var undelivered = batch.Select(m => m.Id).Except(ids).ToList();
        var records = handled;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                if (records.Count > 0)
                {
                    await db.InsertAsync(records, ct);
                }

                if (ids.Count > 0)
                {
                    await db.Set<OutboxMessage>()
                        .Where(m => ids.Contains(m.Id))
                        .ExecuteUpdateAsync(s => s
                            .SetProperty(m => m.DispatchedAt, now)
                            .SetProperty(m => m.LockedUntil, (DateTime?)null)
                            .SetProperty(m => m.LockedBy, (string?)null), ct);
                }

                if (undelivered.Count > 0)
                {
                    // Failures already released their lease; this releases what a shutdown interrupted.
                    await db.Set<OutboxMessage>()
                        .Where(m => undelivered.Contains(m.Id) && m.LockedBy == claim && m.DispatchedAt == null)
                        .ExecuteUpdateAsync(s => s
                            .SetProperty(m => m.LockedUntil, (DateTime?)null)
                            .SetProperty(m => m.LockedBy, (string?)null), ct);
                }

                await transaction.CommitAsync(ct);
                break;
            }
            catch (DbUpdateException) when (attempt == 1 && records.Count > 0)
            {
                // Another dispatcher recorded some of these calls first (after this one's lease ran out): save the rest.
                records = await NotYetRecordedAsync(db, records, ct);
            }
        }

        foreach (var message in delivered)
        {
            metrics.Delivered(now - message.OccurredAt);
        }
    }

    private static async Task<IReadOnlyList<ProcessedEvent>> NotYetRecordedAsync(TandemDbContext db, IReadOnlyList<ProcessedEvent> records, CancellationToken ct)
    {
        var recorded = await OutboxDelivery.RecordedAsync(db, records.Select(r => r.EventId), ct);
        return [.. records.Where(r => !recorded.Contains((r.EventId, r.Handler)))];
    }

    private async Task CleanUpAsync(OutboxOptions settings, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (now < _nextCleanup)
        {
            return;
        }

        _nextCleanup = now + CleanupEvery;
        var before = now - settings.RetainDelivered;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var messages = await db.Set<OutboxMessage>().Where(m => m.DispatchedAt != null && m.DispatchedAt < before).ExecuteDeleteAsync(ct);
        var processed = await db.Set<ProcessedEvent>().Where(p => p.ProcessedAt < before).ExecuteDeleteAsync(ct);
        if (messages + processed > 0)
        {
            logger.LogInformation("Outbox clean-up removed {Messages} delivered messages and {Processed} processed-event records", messages, processed);
        }
    }
}
