using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tandem.Kernel.Persistence;

namespace Tandem.Kernel.Outbox;

/// <summary>
/// Delivers one outbox message to every in-process handler of its event type. Each handler runs in its
/// own scope and transaction, and the (event, handler) record is saved in that same transaction, so a
/// handler whose effect committed is skipped when the message comes again.
/// </summary>
internal sealed class OutboxDelivery(
    IServiceScopeFactory scopes,
    IntegrationEventTypes eventTypes,
    TimeProvider clock,
    ILogger<OutboxDelivery> logger)
{
    private static readonly MethodInfo InvokeDefinition =
        typeof(OutboxDelivery).GetMethod(nameof(Invoke), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static readonly ConcurrentDictionary<Type, Func<object, object, CancellationToken, Task>> Invokers = new();

    /// <summary>Null when every handler has processed the event, else what went wrong (for <c>LastError</c>).</summary>
    public async Task<string?> DeliverAsync(OutboxMessage message, CancellationToken ct)
    {
        if (!eventTypes.TryResolve(message.Type, out var eventType))
        {
            // No handler in this host listens to this type: nothing to do in process.
            return null;
        }

        object integrationEvent;
        try
        {
            integrationEvent = JsonSerializer.Deserialize(message.Payload, eventType, Outbox.Json)
                ?? throw new JsonException("The payload is null.");
        }
        catch (JsonException ex)
        {
            return $"The payload does not read as {eventType.Name}: {ex.Message}";
        }

        var handlerType = typeof(IIntegrationEventHandler<>).MakeGenericType(eventType);
        int handlerCount;
        await using (var scope = scopes.CreateAsyncScope())
        {
            handlerCount = scope.ServiceProvider.GetServices(handlerType).Count();
        }

        List<string>? errors = null;
        for (var i = 0; i < handlerCount; i++)
        {
            var error = await DeliverToHandlerAsync(message.Id, integrationEvent, eventType, handlerType, i, ct);
            if (error is not null)
            {
                (errors ??= []).Add(error);
            }
        }

        return errors is null ? null : string.Join(Environment.NewLine, errors);
    }

    private async Task<string?> DeliverToHandlerAsync(
        Guid eventId, object integrationEvent, Type eventType, Type handlerType, int index, CancellationToken ct)
    {
        var handlerName = "?";
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetServices(handlerType).ElementAt(index)!;
            handlerName = HandlerName(handler);
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            if (await AlreadyProcessedAsync(db, eventId, handlerName, ct))
            {
                return null;
            }

            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await Invokers.GetOrAdd(eventType, Compile)(handler, integrationEvent, ct);
            db.Set<ProcessedEvent>().Add(new ProcessedEvent
            {
                EventId = eventId,
                Handler = handlerName,
                ProcessedAt = clock.GetUtcNow().UtcDateTime,
            });
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return null;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            if (ex is DbUpdateException && await ProcessedMeanwhileAsync(eventId, handlerName, ct))
            {
                // Another dispatcher (after a lease ran out) processed it first; its effect stands, ours rolled back.
                return null;
            }

            logger.LogWarning(ex, "Handler {Handler} failed on event {EventId} ({EventType})", handlerName, eventId, eventType.Name);
            return $"{handlerName}: {ex.GetType().Name}: {ex.Message}";
        }
    }

    private async Task<bool> ProcessedMeanwhileAsync(Guid eventId, string handlerName, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await AlreadyProcessedAsync(scope.ServiceProvider.GetRequiredService<TandemDbContext>(), eventId, handlerName, ct);
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
