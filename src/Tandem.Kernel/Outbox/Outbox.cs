using System.Text.Json;
using Tandem.Kernel.Persistence;

namespace Tandem.Kernel.Outbox;

/// <summary>An event another module (or a webhook subscriber) may react to. Its id makes redelivery harmless.</summary>
public interface IIntegrationEvent
{
    Guid EventId { get; }

    DateTime OccurredAt { get; }
}

/// <summary>
/// Handles one kind of integration event. Delivery is at least once; the dispatcher records (event, handler)
/// so a redelivery is skipped. The handler runs in its own scope inside a transaction the dispatcher opened on
/// the scoped <c>TandemDbContext</c>: change data through that context (do not begin another transaction);
/// the dispatcher saves and commits it together with the processed-event record. Register with
/// <c>services.AddIntegrationEventHandler&lt;TEvent, THandler&gt;()</c>.
/// </summary>
public interface IIntegrationEventHandler<in TEvent> where TEvent : IIntegrationEvent
{
    Task HandleAsync(TEvent integrationEvent, CancellationToken ct);
}

/// <summary>
/// Publishes integration events by adding them to the outbox table on the shared DbContext: they are
/// saved by the same SaveChanges, in the same transaction, as the change they announce.
/// </summary>
public sealed class Outbox(TandemDbContext db, TimeProvider clock)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Publish<TEvent>(TEvent integrationEvent) where TEvent : IIntegrationEvent =>
        db.Set<OutboxMessage>().Add(Message(integrationEvent));

    /// <summary>
    /// The outbox row for an event, not added to the context: for a caller that writes its rows itself
    /// (<see cref="Persistence.RowInserts"/>), in the transaction of the change the event announces.
    /// </summary>
    public OutboxMessage Message<TEvent>(TEvent integrationEvent) where TEvent : IIntegrationEvent => new()
    {
        Id = integrationEvent.EventId,
        Type = EventTypeName(typeof(TEvent)),
        Payload = JsonSerializer.Serialize(integrationEvent, Json),
        OccurredAt = integrationEvent.OccurredAt,
        NextAttemptAt = clock.GetUtcNow().UtcDateTime,
    };

    /// <summary>The stable name stored with an event: its type name without the assembly version.</summary>
    public static string EventTypeName(Type type) => type.FullName ?? type.Name;
}

/// <summary>
/// Marks an <see cref="IIntegrationEventHandler{TEvent}"/> that changes no data, such as one that pushes live updates.
/// The dispatcher calls it outside any transaction and then records the (event, handler) pairs it handled in one save,
/// so its calls never hold the database's write lock (on SQLite, the one lock every writer queues for). A crash or a
/// failed save between a call and that record makes the call happen again when the event comes back, so a second
/// call must be harmless. Every other handler runs in a transaction with its record, as the interface describes.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ChangesNoDataAttribute : Attribute;
