namespace Tandem.Web.Live;

/// <summary>An order changed: enough to know which boards and order pages should refresh.</summary>
public sealed record OrderSignal(Guid OrderId, Guid StoreId, string? Status, string Kind);

/// <summary>
/// In-process fan-out of order changes to the interactive pages of this host (boards, order pages) and to
/// the <c>/hubs/orders</c> SignalR hub. Fed by the outbox handler; pages also poll as a safety net, so a
/// change handled on another host still shows within <see cref="LiveSettings.PollInterval"/>.
/// </summary>
public sealed class OrderFeed
{
    public event Func<OrderSignal, Task>? Changed;

    public async Task PublishAsync(OrderSignal signal)
    {
        var handlers = Changed;
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Func<OrderSignal, Task>>())
        {
            try
            {
                await handler(signal);
            }
            catch (ObjectDisposedException)
            {
                // A page closed while we were telling it.
            }
        }
    }
}

/// <summary>How often live pages re-read the API when no push arrives (<c>Tandem:Web:PollSeconds</c>, default 5).</summary>
public sealed class LiveSettings(Microsoft.Extensions.Configuration.IConfiguration configuration)
{
    public TimeSpan PollInterval => TimeSpan.FromSeconds(Math.Clamp(
        double.TryParse(configuration["Tandem:Web:PollSeconds"], System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 5, 0.5, 300));
}

/// <summary>The poll interval in whole seconds, for display.</summary>
public sealed class LiveSettingsView(LiveSettings settings)
{
    public int Seconds => (int)Math.Max(1, Math.Round(settings.PollInterval.TotalSeconds));
}
