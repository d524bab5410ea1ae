using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Delivery.Lifecycle;

/// <summary>Delivery needs a platform admin (to grant the courier role and run batches) and batches only when a test asks.</summary>
internal static class DeliverySettings
{
    public static readonly KeyValuePair<string, string?>[] Values =
    [
        .. IsolatedSettings.Admin,
        new("Tandem:Delivery:DispatchInterval", "01:00:00"),
        new("Tandem:Delivery:DispatchOnReady", "false"),
        new("Tandem:Delivery:SolverBudget", "00:00:00.300"),
    ];
}

public sealed class DeliverySqliteApp : SqliteApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => DeliverySettings.Values;
}

public sealed class DeliveryPostgresApp : PostgresApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => DeliverySettings.Values;
}
