using System.Collections.Frozen;
using Microsoft.Extensions.DependencyInjection;

namespace Tandem.Kernel.Outbox;

/// <summary>
/// Maps the outbox's <c>Type</c> column back to a CLR type: the event types that some registered
/// <see cref="IIntegrationEventHandler{TEvent}"/> handles. Read lazily from the service collection,
/// so modules may register handlers before or after the outbox itself.
/// </summary>
internal sealed class IntegrationEventTypes(IServiceCollection services)
{
    private readonly Lazy<FrozenDictionary<string, Type>> _byName = new(() => services
        .Select(d => d.ServiceType)
        .Where(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IIntegrationEventHandler<>))
        .Select(t => t.GetGenericArguments()[0])
        .Distinct()
        .ToFrozenDictionary(Outbox.EventTypeName, t => t, StringComparer.Ordinal));

    /// <summary>The event type stored under <paramref name="name"/>, if any handler in this host listens to it.</summary>
    public bool TryResolve(string name, out Type eventType) => _byName.Value.TryGetValue(name, out eventType!);
}
