using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Ordering;

/// <summary>Settings that make reservations run out in seconds, and the sweeper and retries look often.</summary>
internal static class ShortTimeoutSettings
{
    public static readonly TimeSpan PaymentTimeout = TimeSpan.FromSeconds(2);

    public static readonly KeyValuePair<string, string?>[] Settings =
    [
        new("Tandem:Orders:PaymentTimeout", "00:00:02"),
        new("Tandem:Orders:PaymentGrace", "00:00:02"),
        new("Tandem:Orders:SweepInterval", "00:00:00.200"),
        new("Tandem:Payments:RetryInterval", "00:00:01"),
    ];
}

/// <summary>A host of its own whose unpaid orders expire after two seconds.</summary>
public sealed class ShortTimeoutSqliteApp : SqliteApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => ShortTimeoutSettings.Settings;
}

/// <inheritdoc cref="ShortTimeoutSqliteApp"/>
public sealed class ShortTimeoutPostgresApp : PostgresApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => ShortTimeoutSettings.Settings;
}

[CollectionDefinition(Name)]
public sealed class ShortTimeoutSqlite : ICollectionFixture<ShortTimeoutSqliteApp>
{
    public const string Name = "short timeout (sqlite)";
}

[CollectionDefinition(Name)]
public sealed class ShortTimeoutPostgres : ICollectionFixture<ShortTimeoutPostgresApp>
{
    public const string Name = "short timeout (postgres)";
}
