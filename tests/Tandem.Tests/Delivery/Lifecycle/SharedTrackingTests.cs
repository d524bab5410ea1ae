using System.Net;
using System.Net.Http.Json;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Delivery.Lifecycle;

/// <summary>A consumer watching through one host sees the courier whose phone reports to the other (Redis backplane).</summary>
public sealed class SharedTrackingTests(TwoHostApp app) : DeliveryTest(app), IClassFixture<TwoHostApp>
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
            var peer = ((TwoHostApp)App).Peer;
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
