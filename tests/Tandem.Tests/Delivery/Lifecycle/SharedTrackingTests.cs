using System.Net;
using System.Net.Http.Json;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Delivery.Lifecycle;

/// <summary>
/// Two hosts on one database with Redis as the SignalR backplane (<c>TANDEM_TEST_REDIS</c>, started by ./test.sh):
/// a consumer watching through one host sees the courier whose phone reports to the other.
/// </summary>
public sealed class TwoHostTrackingApp : SqliteApp
{
    private static readonly string? Redis = Environment.GetEnvironmentVariable("TANDEM_TEST_REDIS");

    // Each run gets its own channels, so runs sharing a Redis never see each other's pushes.
    private readonly string _prefix = $"tandem-test-{Guid.NewGuid():N}";
    private TwoHostPeer? _peer;

    public TwoHostTrackingApp()
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

public sealed class SharedTrackingTests(TwoHostTrackingApp app) : DeliveryTest(app), IClassFixture<TwoHostTrackingApp>
{
    [Fact]
    public async Task A_consumer_on_one_host_sees_the_courier_who_reports_to_another()
    {
        var shop = await NewDeliveringShopAsync();
        var consumer = await NewUserAsync();
        var courier = await NewCourierAsync(lat: Lat, lng: Lng);
        try
        {
            var order = await ReadyDeliveryAsync(consumer, shop);
            var job = await StoreJobAsync(shop, IdOf(order));
            await (await shop.Staff.Client.PostAsJsonAsync($"/api/v1/delivery/jobs/{JobIdOf(job)}/assign", new { courierId = courier.Id }, Ct))
                .ShouldHave(HttpStatusCode.OK);
            var mine = (await CourierJobsAsync(courier)).Single(j => j.GetProperty("orderId").GetGuid() == IdOf(order));
            await (await courier.Client.PostAsJsonAsync($"/api/v1/courier/jobs/{JobIdOf(mine)}/pickup", new { orderCode = $"tandem:order:{IdOf(order)}" }, Ct))
                .ShouldHave(HttpStatusCode.OK);

            // The consumer's phone is connected to the second host; the courier's posts go to the first.
            var peer = ((TwoHostTrackingApp)App).Peer;
            await using var consumerHub = await HubClient.ConnectAsync(peer.BaseAddress, "/hubs/delivery", consumer.Token, Ct);
            (await consumerHub.InvokeAsync("JoinOrder", IdOf(order), Ct)).GetBoolean().ShouldBeTrue();

            await (await PositionsAsync(courier, (Lat + 0.0004, Lng, DateTime.UtcNow))).ShouldHave(HttpStatusCode.Accepted);
            var seen = await consumerHub.WaitForAsync("courierPosition", m => Math.Abs(m.GetProperty("lat").GetDouble() - (Lat + 0.0004)) < 1e-9, Ct);
            seen.GetProperty("orderId").GetGuid().ShouldBe(IdOf(order));
            seen.GetProperty("courierId").GetGuid().ShouldBe(courier.Id);
        }
        finally
        {
            await ShiftAsync(courier, false);
        }
    }
}
