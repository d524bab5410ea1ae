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
/// <see cref="ChangesNoDataAttribute"/> is called outside any transaction and its chunk's records are saved at once.
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
    /// Delivers the batch; the answer names each message some handler failed on, with what went wrong
    /// (for <c>LastError</c>). Messages it does not name were processed by every handler.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, string>> DeliverBatchAsync(IReadOnlyList<OutboxMessage> batch, int concurrency, CancellationToken ct)
    {
        var errors = new ConcurrentDictionary<Guid, string>();
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

        await Parallel.ForEachAsync(lanes, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, concurrency), CancellationToken = ct },
            async (lane, token) =>
            {
                foreach (var (id, error) in await DeliverChunkAsync(lane.EventType, lane.HandlerType, lane.Index, lane.Messages, token))
                {
                    errors.AddOrUpdate(id, error, (_, earlier) => earlier + Environment.NewLine + error);
                }
            });
        return errors;
    }

    private int HandlerCount(Type handlerType) => _handlerCounts.GetOrAdd(handlerType, type =>
    {
        using var scope = scopes.CreateScope();
        return scope.ServiceProvider.GetServices(type).Count();
    });

    /// <summary>One handler, several messages of its type, one transaction. Returns the messages it failed on.</summary>
    private async Task<List<(Guid Id, string Error)>> DeliverChunkAsync(
        Type eventType, Type handlerType, int index, List<(Guid Id, object Event)> messages, CancellationToken ct)
    {
        var failed = new List<(Guid Id, string Error)>();
        var handlerName = "?";
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetServices(handlerType).ElementAt(index)!;
            handlerName = HandlerName(handler);
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            var ids = messages.Select(m => m.Id).ToList();
            var done = (await db.Set<ProcessedEvent>().AsNoTracking()
                .Where(p => p.Handler == handlerName && ids.Contains(p.EventId))
                .Select(p => p.EventId)
                .ToListAsync(ct)).ToHashSet();
            var due = messages.Where(m => !done.Contains(m.Id)).ToList();
            if (due.Count == 0)
            {
                return failed;
            }

            var invoke = Invokers.GetOrAdd(eventType, Compile);
            if (ChangesNoData.GetOrAdd(handler.GetType(), type => type.IsDefined(typeof(ChangesNoDataAttribute), inherit: false)))
            {
                return await DeliverOutsideTransactionAsync(db, handler, handlerName, invoke, eventType, due, ct);
            }

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
    /// A handler that changes no data: each message is handed to it outside any transaction, then the ones it handled are
    /// recorded in one statement. If another dispatcher recorded some of them first (after a lease ran out), the rest are
    /// recorded one by one; such a handler allows being called twice.
    /// </summary>
    private async Task<List<(Guid Id, string Error)>> DeliverOutsideTransactionAsync(
        TandemDbContext db, object handler, string handlerName, Func<object, object, CancellationToken, Task> invoke, Type eventType,
        List<(Guid Id, object Event)> due, CancellationToken ct)
    {
        var failed = new List<(Guid Id, string Error)>();
        var handled = new List<ProcessedEvent>(due.Count);
        foreach (var (id, integrationEvent) in due)
        {
            try
            {
                await invoke(handler, integrationEvent, ct);
                handled.Add(new ProcessedEvent { EventId = id, Handler = handlerName, ProcessedAt = clock.GetUtcNow().UtcDateTime });
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                failed.Add(HandlerFailed(ex, handlerName, id, eventType));
            }
        }

        if (handled.Count == 0)
        {
            return failed;
        }

        try
        {
            // One statement for the chunk's records, untracked (docs/decisions/0019).
            await db.InsertAsync(handled, ct);
        }
        catch (DbUpdateException)
        {
            foreach (var record in handled)
            {
                if (!await AlreadyProcessedAsync(db, record.EventId, handlerName, ct))
                {
                    db.Set<ProcessedEvent>().Add(record);
                    await db.SaveChangesAsync(ct);
                    db.ChangeTracker.Clear();
                }
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
