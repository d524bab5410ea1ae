using Tandem.Tests.Delivery.Lifecycle;

namespace Tandem.Tests.Infrastructure;

/// <summary>
/// Two hosts on one SQLite database, sharing Redis as the SignalR backplane (<c>TANDEM_TEST_REDIS</c>, started by
/// ./test.sh), as two servers behind a load balancer would: <see cref="TandemApp.BaseAddress"/> is one, <see cref="Peer"/>
/// the other.
/// </summary>
public sealed class TwoHostApp : SqliteApp
{
    private static readonly string? Redis = Environment.GetEnvironmentVariable("TANDEM_TEST_REDIS");

    // Each run gets its own channels, so runs sharing a Redis never see each other's pushes.
    private readonly string _prefix = $"tandem-test-{Guid.NewGuid():N}";
    private TwoHostPeer? _peer;

    public TwoHostApp()
    {
        if (string.IsNullOrWhiteSpace(Redis))
        {
            Unavailable = "TANDEM_TEST_REDIS is not set: run ./test.sh, which starts Redis.";
        }
    }

    /// <summary>The second host: same database, same Redis.</summary>
    public TandemApp Peer => _peer ?? throw new InvalidOperationException("The peer host has not started.");

    internal IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        .. DeliverySettings.Values,
        new("ConnectionStrings:Redis", Redis),
        new("Tandem:Live:ChannelPrefix", _prefix),
    ];

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => Settings();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        if (Unavailable is null)
        {
            _peer = new TwoHostPeer(DatabaseSettings().ToList(), Settings().ToList());
            await _peer.InitializeAsync();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (_peer is not null)
        {
            await _peer.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}

internal sealed class TwoHostPeer(IReadOnlyList<KeyValuePair<string, string?>> database, IReadOnlyList<KeyValuePair<string, string?>> extra) : TandemApp
{
    public override string Provider => "sqlite";

    protected override IEnumerable<KeyValuePair<string, string?>> DatabaseSettings() => database;

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => extra;
}
