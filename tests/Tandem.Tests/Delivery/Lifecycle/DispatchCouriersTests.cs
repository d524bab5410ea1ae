using System.Net;
using System.Net.Http.Json;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Delivery.Lifecycle;

/// <summary>
/// <c>GET /stores/{storeId}/dispatch/couriers</c>: the couriers on shift a store's dispatcher may hand a job to, with their
/// distance from the store and load, but never their position (platform couriers are not the store's to track).
/// </summary>
public abstract class DispatchCouriersTests(TandemApp app) : DeliveryTest(app)
{
    [Fact]
    public async Task Staff_see_the_couriers_on_shift_by_distance_and_load_but_not_where_they_are()
    {
        var shop = await NewDeliveringShopAsync();
        var near = await NewCourierAsync(lat: Lat + 0.01, lng: Lng); // about 1.1 km north of the store
        var resting = await NewCourierAsync(onShift: false);
        try
        {
            var list = await (await shop.Staff.Client.GetAsync($"/api/v1/stores/{shop.StoreId}/dispatch/couriers", Ct)).ShouldHave(HttpStatusCode.OK);
            var items = list.GetProperty("items").EnumerateArray().ToList();
            items.ShouldNotContain(c => c.GetProperty("courierId").GetGuid() == resting.Id);
            var mine = items.Single(c => c.GetProperty("courierId").GetGuid() == near.Id);
            mine.GetProperty("vehicle").GetString().ShouldBe("scooter");
            mine.GetProperty("onShift").GetBoolean().ShouldBeTrue();
            mine.GetProperty("distanceKm").GetDouble().ShouldBeInRange(1.0, 1.2);
            mine.GetProperty("activeJobs").GetInt32().ShouldBe(0);
            mine.TryGetProperty("lastLocation", out _).ShouldBeFalse();

            // A job handed to them by hand counts towards their load.
            var order = await ReadyDeliveryAsync(await NewUserAsync(), shop);
            var job = await StoreJobAsync(shop, IdOf(order));
            await (await shop.Staff.Client.PostAsJsonAsync($"/api/v1/delivery/jobs/{JobIdOf(job)}/assign", new { courierId = near.Id }, Ct))
                .ShouldHave(HttpStatusCode.OK);
            list = await (await shop.Staff.Client.GetAsync($"/api/v1/stores/{shop.StoreId}/dispatch/couriers", Ct)).ShouldHave(HttpStatusCode.OK);
            list.GetProperty("items").EnumerateArray().Single(c => c.GetProperty("courierId").GetGuid() == near.Id)
                .GetProperty("activeJobs").GetInt32().ShouldBe(1);

            var stranger = await NewShopAsync(products: 1);
            await (await stranger.Staff.Client.GetAsync($"/api/v1/stores/{shop.StoreId}/dispatch/couriers", Ct))
                .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
            await (await Anonymous().GetAsync($"/api/v1/stores/{shop.StoreId}/dispatch/couriers", Ct))
                .ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
        }
        finally
        {
            await ShiftAsync(near, false);
        }
    }
}

public sealed class DispatchCouriersTests_Sqlite(DeliverySqliteApp app) : DispatchCouriersTests(app), IClassFixture<DeliverySqliteApp>;

public sealed class DispatchCouriersTests_Postgres(DeliveryPostgresApp app) : DispatchCouriersTests(app), IClassFixture<DeliveryPostgresApp>;
