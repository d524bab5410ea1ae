using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tandem.Kernel.Persistence;

namespace Tandem.Kernel.Outbox;

/// <summary>
/// Delivers a claimed batch of outbox messages to every in-process handler of their event types. The messages a
/// handler must see are processed in chunks: one scope and one transaction per chunk, with a savepoint around each
/// message, so the (event, handler) record is saved in the same transaction as the handler's effect, a failing message
/// is rolled back alone, and the chunk commits once. A handler whose effect committed is skipped when the message comes
/// again. (One transaction per message made the dispatcher the biggest writer on SQLite, where every commit waits for
/// the single writer and a disk sync: a checkout published four events, each a commit of its own.) A handler marked
/// <see cref="ChangesNoDataAttribute"/> is called outside any transaction; its records are handed back to be saved with
/// the batch's outcome (<see cref="BatchOutcome.Handled"/>), in the dispatcher's one closing transaction. Which
/// (event, handler) pairs earlier deliveries recorded is read once per batch.
/// </summary>
internal sealed class OutboxDelivery(
    IServiceScopeFactory scopes,
    IntegrationEventTypes eventTypes,
    TimeProvider clock,
    ILogger<OutboxDelivery> logger)
{
    /// <summary>At most this many messages share one transaction, so the write lock is never held for long.</summary>
    internal const int ChunkSize = 32;

    private static readonly MethodInfo InvokeDefinition =
        typeof(OutboxDelivery).GetMethod(nameof(Invoke), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static readonly ConcurrentDictionary<Type, Func<object, object, CancellationToken, Task>> Invokers = new();

    private static readonly ConcurrentDictionary<Type, bool> ChangesNoData = new();

    private readonly ConcurrentDictionary<Type, int> _handlerCounts = new();

    /// <summary>
    /// Delivers the batch. The outcome names each message some handler failed on, with what went wrong (for
    /// <c>LastError</c>); messages it does not name were processed by every handler. It also holds the records of the
    /// calls to handlers that change no data, which the caller saves with its own writes.
    /// </summary>
    public async Task<BatchOutcome> DeliverBatchAsync(IReadOnlyList<OutboxMessage> batch, int concurrency, CancellationToken ct)
    {
        var errors = new ConcurrentDictionary<Guid, string>();
        var handled = new ConcurrentQueue<ProcessedEvent>();
        var lanes = new List<(Type EventType, Type HandlerType, int Index, List<(Guid Id, object Event)> Messages)>();
        foreach (var group in batch.GroupBy(m => m.Type))
        {
            if (!eventTypes.TryResolve(group.Key, out var eventType))
            {
                continue; // no handler in this host listens to this type: nothing to do in process
            }

            var events = new List<(Guid Id, object Event)>();
            foreach (var message in group)
            {
                try
                {
                    events.Add((message.Id, JsonSerializer.Deserialize(message.Payload, eventType, Outbox.Json)
                        ?? throw new JsonException("The payload is null.")));
                }
                catch (JsonException ex)
                {
                    errors[message.Id] = $"The payload does not read as {eventType.Name}: {ex.Message}";
                }
            }

            var handlerType = typeof(IIntegrationEventHandler<>).MakeGenericType(eventType);
            var handlers = HandlerCount(handlerType);
            for (var index = 0; index < handlers; index++)
            {
                foreach (var chunk in events.Chunk(ChunkSize))
                {
                    lanes.Add((eventType, handlerType, index, [.. chunk]));
                }
            }
        }

        var done = lanes.Count == 0 ? [] : await ProcessedAsync(batch, ct);
        await Parallel.ForEachAsync(lanes, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, concurrency), CancellationToken = ct },
            async (lane, token) =>
            {
                foreach (var (id, error) in await DeliverChunkAsync(lane.EventType, lane.HandlerType, lane.Index, lane.Messages, done, handled, token))
                {
                    errors.AddOrUpdate(id, error, (_, earlier) => earlier + Environment.NewLine + error);
                }
            });
        return new BatchOutcome(errors, [.. handled]);
    }

    /// <summary>The (event, handler) pairs already recorded for the batch's messages: one query for every lane.</summary>
    private async Task<HashSet<(Guid EventId, string Handler)>> ProcessedAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await RecordedAsync(scope.ServiceProvider.GetRequiredService<TandemDbContext>(), batch.Select(m => m.Id), ct);
    }

    /// <summary>Which (event, handler) pairs of these events are recorded as processed.</summary>
    internal static async Task<HashSet<(Guid EventId, string Handler)>> RecordedAsync(TandemDbContext db, IEnumerable<Guid> eventIds, CancellationToken ct)
    {
        var ids = eventIds.Distinct().ToList();
        var pairs = await db.Set<ProcessedEvent>().AsNoTracking()
            .Where(p => ids.Contains(p.EventId))
            .Select(p => new { p.EventId, p.Handler })
            .ToListAsync(ct);
        return [.. pairs.Select(p => (p.EventId, p.Handler))];
    }

    private int HandlerCount(Type handlerType) => _handlerCounts.GetOrAdd(handlerType, type =>
    {
        using var scope = scopes.CreateScope();
        return scope.ServiceProvider.GetServices(type).Count();
    });

    /// <summary>One handler, several messages of its type, one transaction. Returns the messages it failed on.</summary>
    private async Task<List<(Guid Id, string Error)>> DeliverChunkAsync(
        Type eventType, Type handlerType, int index, List<(Guid Id, object Event)> messages,
        HashSet<(Guid EventId, string Handler)> done, ConcurrentQueue<ProcessedEvent> handled, CancellationToken ct)
    {
        var failed = new List<(Guid Id, string Error)>();
        var handlerName = "?";
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetServices(handlerType).ElementAt(index)!;
            handlerName = HandlerName(handler);
            var due = messages.Where(m => !done.Contains((m.Id, handlerName))).ToList();
            if (due.Count == 0)
            {
                return failed;
            }

            var invoke = Invokers.GetOrAdd(eventType, Compile);
            if (ChangesNoData.GetOrAdd(handler.GetType(), type => type.IsDefined(typeof(ChangesNoDataAttribute), inherit: false)))
            {
                return await DeliverOutsideTransactionAsync(handler, handlerName, invoke, eventType, due, handled, ct);
            }

            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();

            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            for (var i = 0; i < due.Count; i++)
            {
                var (id, integrationEvent) = due[i];
                var savepoint = $"outbox_{i}";
                await transaction.CreateSavepointAsync(savepoint, ct);
                try
                {
                    await invoke(handler, integrationEvent, ct);
                    db.Set<ProcessedEvent>().Add(new ProcessedEvent { EventId = id, Handler = handlerName, ProcessedAt = clock.GetUtcNow().UtcDateTime });
                    await db.SaveChangesAsync(ct);
                    await transaction.ReleaseSavepointAsync(savepoint, ct);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    await transaction.RollbackToSavepointAsync(savepoint, CancellationToken.None);
                    db.ChangeTracker.Clear();
                    if (ex is DbUpdateException && await AlreadyProcessedAsync(db, id, handlerName, ct))
                    {
                        continue; // another dispatcher (after a lease ran out) processed it first; its effect stands, ours rolled back
                    }

                    failed.Add(HandlerFailed(ex, handlerName, id, eventType));
                }
            }

            await transaction.CommitAsync(ct);
            return failed;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // The chunk's transaction itself failed (begin or commit): nothing of it stands, and every message in it comes again.
            logger.LogWarning(ex, "Handler {Handler} could not commit its events ({EventType})", handlerName, eventType.Name);
            var error = $"{handlerName}: {ex.GetType().Name}: {ex.Message}";
            return [.. messages.Select(m => (m.Id, error))];
        }
    }

    /// <summary>
    /// A handler that changes no data: each message is handed to it outside any transaction, and a record of each one
    /// it handled is queued for the batch's closing transaction. Such a handler allows being called twice (a crash
    /// before that transaction commits brings the messages back).
    /// </summary>
    private async Task<List<(Guid Id, string Error)>> DeliverOutsideTransactionAsync(
        object handler, string handlerName, Func<object, object, CancellationToken, Task> invoke, Type eventType,
        List<(Guid Id, object Event)> due, ConcurrentQueue<ProcessedEvent> handled, CancellationToken ct)
    {
        var failed = new List<(Guid Id, string Error)>();
        foreach (var (id, integrationEvent) in due)
        {
            try
            {
                await invoke(handler, integrationEvent, ct);
                handled.Enqueue(new ProcessedEvent { EventId = id, Handler = handlerName, ProcessedAt = clock.GetUtcNow().UtcDateTime });
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                failed.Add(HandlerFailed(ex, handlerName, id, eventType));
            }
        }

        return failed;
    }

    /// <summary>Logs a handler's failure on one message and names it for the message's <c>LastError</c>.</summary>
    private (Guid Id, string Error) HandlerFailed(Exception ex, string handlerName, Guid id, Type eventType)
    {
        logger.LogWarning(ex, "Handler {Handler} failed on event {EventId} ({EventType})", handlerName, id, eventType.Name);
        return (id, $"{handlerName}: {ex.GetType().Name}: {ex.Message}");
    }

    private static Task<bool> AlreadyProcessedAsync(TandemDbContext db, Guid eventId, string handlerName, CancellationToken ct) =>
        db.Set<ProcessedEvent>().AnyAsync(p => p.EventId == eventId && p.Handler == handlerName, ct);

    /// <summary>The stable name a handler is recorded under.</summary>
    public static string HandlerName(object handler) => handler.GetType().FullName ?? handler.GetType().Name;

    private static Func<object, object, CancellationToken, Task> Compile(Type eventType) =>
        InvokeDefinition.MakeGenericMethod(eventType).CreateDelegate<Func<object, object, CancellationToken, Task>>();

    private static Task Invoke<TEvent>(object handler, object integrationEvent, CancellationToken ct)
        where TEvent : IIntegrationEvent =>
        ((IIntegrationEventHandler<TEvent>)handler).HandleAsync((TEvent)integrationEvent, ct);
}

/// <summary>
/// What delivering a batch came to: the messages some handler failed on (with the error for <c>LastError</c>), and the
/// records of calls to handlers that change no data, still to be saved.
/// </summary>
internal sealed record BatchOutcome(IReadOnlyDictionary<Guid, string> Errors, IReadOnlyList<ProcessedEvent> Handled);
