using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Merchants;

namespace Tandem.Tests.Ordering;

/// <summary>A product of a test shop, with its price in fen.</summary>
public sealed record TestProduct(Guid Id, long Price, string? Gtin);

/// <summary>A merchant with one store, a staff member, a manager and stocked products — all made through the API.</summary>
public sealed record TestShop(TestMerchant Merchant, Guid StoreId, TestUser Staff, TestUser Manager, IReadOnlyList<TestProduct> Products)
{
    public TestUser Owner => Merchant.Owner;

    public TestProduct this[int index] => Products[index];
}

/// <summary>HTTP tests of stock, orders, payments and the counter: shops, orders and payments through the real API.</summary>
public abstract class ShopTest(TandemApp app) : MerchantApiTest(app)
{
    protected const string Pickup = "pickup";

    /// <summary>West Lake; stores default here.</summary>
    protected const double Lat = 30.2741;

    protected const double Lng = 120.1551;

    protected async Task<TestShop> NewShopAsync(int products = 2, long onHand = 10, long price = 1299, object? delivery = null)
    {
        var merchant = await NewMerchantAsync();
        var store = await NewStoreAsync(merchant, delivery: delivery);
        var staff = await NewStaffAsync(merchant, "staff");
        var manager = await NewStaffAsync(merchant, "manager");
        var list = new List<TestProduct>();
        for (var i = 0; i < products; i++)
        {
            var product = await NewProductAsync(merchant, $"商品 {i + 1}", price + i * 100);
            list.Add(new TestProduct(product.GetProperty("productId").GetGuid(), price + i * 100, null));
        }

        var shop = new TestShop(merchant, store.GetProperty("storeId").GetGuid(), staff, manager, list);
        foreach (var product in list)
        {
            await CountAsync(shop, product.Id, onHand);
        }

        return shop;
    }

    protected async Task<JsonElement> CountAsync(TestShop shop, Guid productId, long onHand) =>
        await (await shop.Staff.Client.PutAsJsonAsync($"/api/v1/stores/{shop.StoreId}/stock/{productId}", new { onHand }, Ct))
            .ShouldHave(HttpStatusCode.OK);

    protected async Task<JsonElement> StockAsync(TestShop shop, Guid productId) =>
        await (await shop.Staff.Client.GetAsync($"/api/v1/stores/{shop.StoreId}/stock/{productId}", Ct)).ShouldHave(HttpStatusCode.OK);

    protected static object Lines(params (TestProduct Product, int Quantity)[] lines) =>
        lines.Select(l => new { productId = l.Product.Id, quantity = l.Quantity }).ToArray();

    protected Task<HttpResponseMessage> PlaceAsync(TestUser consumer, TestShop shop, params (TestProduct Product, int Quantity)[] lines) =>
        consumer.Client.PostAsJsonAsync("/api/v1/orders", new { storeId = shop.StoreId, lines = Lines(lines), fulfillment = new { type = Pickup } }, Ct);

    protected async Task<JsonElement> PlaceOkAsync(TestUser consumer, TestShop shop, params (TestProduct Product, int Quantity)[] lines) =>
        await (await PlaceAsync(consumer, shop, lines)).ShouldHave(HttpStatusCode.Created);

    protected Task<HttpResponseMessage> PayAsync(TestUser consumer, Guid orderId, object? sandbox = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/orders/{orderId}/pay")
        {
            Content = JsonContent.Create(sandbox is null ? new { method = "sandbox" } : (object)new { method = "sandbox", sandbox }),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return consumer.Client.SendAsync(request, Ct);
    }

    protected async Task<JsonElement> OrderAsync(HttpClient client, Guid orderId) =>
        await (await client.GetAsync($"/api/v1/orders/{orderId}", Ct)).ShouldHave(HttpStatusCode.OK);

    protected static Guid IdOf(JsonElement order) => order.GetProperty("orderId").GetGuid();

    /// <summary>A placed and paid order (sandbox approves at once), as its consumer sees it.</summary>
    protected async Task<JsonElement> PaidOrderAsync(TestUser consumer, TestShop shop, params (TestProduct Product, int Quantity)[] lines)
    {
        var order = await PlaceOkAsync(consumer, shop, lines);
        var paid = await (await PayAsync(consumer, IdOf(order))).ShouldHave(HttpStatusCode.OK);
        paid.GetProperty("status").GetString().ShouldBe("succeeded");
        return await OrderAsync(consumer.Client, IdOf(order));
    }

    /// <summary>A paid, accepted order ready for pickup, as its consumer sees it (with the pickup code).</summary>
    protected async Task<JsonElement> ReadyOrderAsync(TestUser consumer, TestShop shop, params (TestProduct Product, int Quantity)[] lines)
    {
        var order = await PaidOrderAsync(consumer, shop, lines);
        await StaffActionAsync(shop, IdOf(order), "accept");
        await StaffActionAsync(shop, IdOf(order), "ready");
        return await OrderAsync(consumer.Client, IdOf(order));
    }

    protected async Task<JsonElement> StaffActionAsync(TestShop shop, Guid orderId, string action) =>
        await (await shop.Staff.Client.PostAsync($"/api/v1/orders/{orderId}/{action}", null, Ct)).ShouldHave(HttpStatusCode.OK);

    protected Task<HttpResponseMessage> HandoverAsync(TestShop shop, Guid orderId, string pickupCode) =>
        shop.Staff.Client.PostAsJsonAsync($"/api/v1/orders/{orderId}/handover", new { pickupCode }, Ct);

    protected Task<HttpResponseMessage> CancelAsync(HttpClient client, Guid orderId, string? reason = null) =>
        client.PostAsJsonAsync($"/api/v1/orders/{orderId}/cancel", new { reason }, Ct);

    protected Task<HttpResponseMessage> SellAtCounterAsync(TestShop shop, params (TestProduct Product, int Quantity)[] lines) =>
        shop.Staff.Client.PostAsJsonAsync($"/api/v1/stores/{shop.StoreId}/pos/sales",
            new { lines = Lines(lines), payment = new { method = "cash" } }, Ct);

    /// <summary>Every movement of a product at the shop's store, following cursors.</summary>
    protected async Task<List<JsonElement>> MovementsAsync(TestShop shop, Guid productId)
    {
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var url = $"/api/v1/stores/{shop.StoreId}/stock/{productId}/movements?limit=200" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await (await shop.Staff.Client.GetAsync(url, Ct)).ShouldHave(HttpStatusCode.OK);
            all.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);
        return all;
    }

    /// <summary>Every order of the merchant (optionally in one status), following cursors.</summary>
    protected async Task<List<JsonElement>> MerchantOrdersAsync(TestShop shop, string? status = null)
    {
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var url = $"/api/v1/merchants/{shop.Merchant.Id}/orders?limit=200" + (status is null ? "" : $"&status={status}")
                + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await (await shop.Staff.Client.GetAsync(url, Ct)).ShouldHave(HttpStatusCode.OK);
            all.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);
        return all;
    }

    /// <summary>Polls until <paramref name="condition"/> holds (background work such as expiry), or fails after <paramref name="seconds"/>.</summary>
    protected async Task<JsonElement> EventuallyAsync(Func<Task<JsonElement>> read, Func<JsonElement, bool> condition, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new ShouldAssertException($"Condition not met within {seconds}s; last value: {value}");
            }

            await Task.Delay(100, Ct);
        }
    }
}
