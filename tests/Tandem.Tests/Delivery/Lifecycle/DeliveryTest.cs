using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Ordering;

namespace Tandem.Tests.Delivery.Lifecycle;

/// <summary>Shops that deliver, couriers and delivery orders, all made through the public API.</summary>
public abstract class DeliveryTest(TandemApp app) : ShopTest(app)
{
    /// <summary>Two streets east of the default store: about 1.9 km away.</summary>
    protected const double HomeLat = 30.2741;

    protected const double HomeLng = 120.1751;

    protected async Task<HttpClient> AdminAsync()
    {
        var register = await Anonymous().PostAsJsonAsync("/api/v1/auth/register",
            new { phone = IsolatedSettings.AdminPhone, password = "admin password", displayName = "Admin" }, Ct);
        if (register.StatusCode == HttpStatusCode.Conflict)
        {
            register = await Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { phone = IsolatedSettings.AdminPhone, password = "admin password" }, Ct);
        }

        var body = await register.ShouldHave(register.StatusCode == HttpStatusCode.Created ? HttpStatusCode.Created : HttpStatusCode.OK);
        return ClientWithToken(body.GetProperty("accessToken").GetString()!);
    }

    /// <summary>A user granted the courier role by the platform admin, signed in again so the token carries it.</summary>
    protected async Task<TestUser> NewCourierAsync(bool onShift = true, int capacity = 10, double? lat = null, double? lng = null)
    {
        var user = await NewUserAsync("骑手");
        var admin = await AdminAsync();
        await (await admin.PostAsJsonAsync($"/api/v1/platform/users/{user.Id}/roles", new { role = "courier" }, Ct)).ShouldHave(HttpStatusCode.OK);
        var login = await (await Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { phone = user.Phone, password = user.Password }, Ct))
            .ShouldHave(HttpStatusCode.OK);
        var token = login.GetProperty("accessToken").GetString()!;
        var courier = user with { Token = token, Client = ClientWithToken(token) };
        if (onShift)
        {
            await ShiftAsync(courier, true, capacity);
            if (lat is { } la && lng is { } ln)
            {
                await (await PositionsAsync(courier, (la, ln, DateTime.UtcNow))).ShouldHave(HttpStatusCode.Accepted);
            }
        }

        return courier;
    }

    protected async Task<JsonElement> ShiftAsync(TestUser courier, bool onShift, int capacity = 10) =>
        await (await courier.Client.PutAsJsonAsync("/api/v1/courier/shift", new { onShift, vehicle = "scooter", capacity }, Ct))
            .ShouldHave(HttpStatusCode.OK);

    protected Task<HttpResponseMessage> PositionsAsync(TestUser courier, params (double Lat, double Lng, DateTime At)[] points) =>
        courier.Client.PostAsJsonAsync("/api/v1/courier/positions",
            new { points = points.Select(p => new { lat = p.Lat, lng = p.Lng, at = p.At }).ToArray() }, Ct);

    /// <summary>A shop whose store delivers within 5 km: ¥5 + ¥1/km, free from ¥200, minimum ¥10, 10 minutes to pack.</summary>
    protected async Task<TestShop> NewDeliveringShopAsync(object? slots = null, int products = 1, long onHand = 20)
    {
        var shop = await NewShopAsync(products: products, onHand: onHand, delivery: new { radiusKm = 5, fee = new { amount = 600, currency = "CNY" } });
        await (await shop.Manager.Client.PutAsJsonAsync($"/api/v1/stores/{shop.StoreId}/delivery-settings", new
        {
            radiusKm = 5,
            baseFee = new { amount = 500, currency = "CNY" },
            perKmFee = new { amount = 100, currency = "CNY" },
            freeAbove = new { amount = 20000, currency = "CNY" },
            minimumOrder = new { amount = 1000, currency = "CNY" },
            preparationMinutes = 10,
            slots = slots ?? Array.Empty<object>(),
        }, Ct)).ShouldHave(HttpStatusCode.OK);
        return shop;
    }

    protected Task<HttpResponseMessage> PlaceDeliveryAsync(TestUser consumer, TestShop shop, int quantity = 1, DateTime? slotStart = null,
        double lat = HomeLat, double lng = HomeLng) =>
        consumer.Client.PostAsJsonAsync("/api/v1/orders", new
        {
            storeId = shop.StoreId,
            lines = Lines((shop[0], quantity)),
            fulfillment = new { type = "delivery", address = "杭州市上城区解放路 100 号 3 单元 502", location = new { lat, lng }, slotStart },
        }, Ct);

    /// <summary>A delivery order paid, accepted and marked ready for dispatch, as its consumer sees it.</summary>
    protected async Task<JsonElement> ReadyDeliveryAsync(TestUser consumer, TestShop shop, int quantity = 1)
    {
        var order = await (await PlaceDeliveryAsync(consumer, shop, quantity)).ShouldHave(HttpStatusCode.Created);
        (await (await PayAsync(consumer, IdOf(order))).ShouldHave(HttpStatusCode.OK)).GetProperty("status").GetString().ShouldBe("succeeded");
        await StaffActionAsync(shop, IdOf(order), "accept");
        await StaffActionAsync(shop, IdOf(order), "ready");
        return await OrderAsync(consumer.Client, IdOf(order));
    }

    protected async Task<JsonElement> StoreJobAsync(TestShop shop, Guid orderId)
    {
        var board = await (await shop.Staff.Client.GetAsync($"/api/v1/stores/{shop.StoreId}/dispatch/jobs", Ct)).ShouldHave(HttpStatusCode.OK);
        return board.GetProperty("jobs").EnumerateArray().Single(j => j.GetProperty("orderId").GetGuid() == orderId);
    }

    protected async Task<List<JsonElement>> CourierJobsAsync(TestUser courier) =>
        (await (await courier.Client.GetAsync("/api/v1/courier/jobs", Ct)).ShouldHave(HttpStatusCode.OK))
        .GetProperty("items").EnumerateArray().ToList();

    protected static Guid JobIdOf(JsonElement job) => job.GetProperty("jobId").GetGuid();
}
