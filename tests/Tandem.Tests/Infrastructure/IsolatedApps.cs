namespace Tandem.Tests.Infrastructure;

/// <summary>A host and database of its own, for tests that must see every row (nothing else writes there).</summary>
public sealed class IsolatedSqliteApp : SqliteApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => IsolatedSettings.Admin;
}

/// <inheritdoc cref="IsolatedSqliteApp"/>
public sealed class IsolatedPostgresApp : PostgresApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => IsolatedSettings.Admin;
}

internal static class IsolatedSettings
{
    /// <summary>The platform admin the configuration names, so tests can reach admin endpoints.</summary>
    public const string AdminPhone = "+8613911110000";

    public static readonly KeyValuePair<string, string?>[] Admin = [new("Tandem:Platform:AdminPhones:0", AdminPhone)];
}
