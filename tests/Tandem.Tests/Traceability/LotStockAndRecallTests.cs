using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Ordering;

namespace Tandem.Tests.Traceability;

/// <summary>
/// Lots received into a store, sales drawn from them first in, first out (through Ordering's events on the
/// outbox), and what a recall does to that stock and to the people who bought it.
/// </summary>
public abstract class LotStockAndRecallTests(TandemApp app) : ShopTest(app)
{
    private const string Gtin = "06975000000029";

    private static string NewLot() => "L" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    private async Task<JsonElement> ReceiveAsync(TestShop shop, TestProduct product, string lot, long quantity) =>
        await (await shop.Staff.Client.PostAsJsonAsync($"/api/v1/stores/{shop.StoreId}/lot-receipts",
            new { productId = product.Id, gtin = Gtin, lot, quantity }, Ct)).ShouldHave(HttpStatusCode.Created);

    private async Task<Dictionary<string, (long Remaining, long Blocked)>> StoreLotsAsync(TestShop shop)
    {
        var body = await (await shop.Staff.Client.GetAsync($"/api/v1/stores/{shop.StoreId}/lots", Ct)).ShouldHave(HttpStatusCode.OK);
        return body.GetProperty("items").EnumerateArray().ToDictionary(
            l => l.GetProperty("lot").GetString()!, l => (l.GetProperty("remaining").GetInt64(), l.GetProperty("blocked").GetInt64()));
    }

    /// <summary>The shop's owner registers the lot as its producer, so the owner (a manager or more) may recall it.</summary>
    private async Task<JsonElement> RecallAsync(TestShop shop, string lot)
    {
        await (await shop.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{shop.Merchant.Id}/lots",
            new { gtin = Gtin, productName = "西湖龙井 250g", lot }, Ct)).ShouldHave(HttpStatusCode.Created);
        return await (await shop.Owner.Client.PostAsJsonAsync($"/api/v1/trace/lots/{Gtin}/{lot}/recall", new { reason = "农残超标" }, Ct))
            .ShouldHave(HttpStatusCode.Created);
    }

    private async Task<JsonElement> CompletedOrderAsync(TestUser consumer, TestShop shop, int quantity)
    {
        var order = await ReadyOrderAsync(consumer, shop, (shop[0], quantity));
        await (await HandoverAsync(shop, IdOf(order), order.GetProperty("pickupCode").GetString()!)).ShouldHave(HttpStatusCode.OK);
        return order;
    }

    [Fact]
    public async Task Sales_draw_from_the_oldest_lot_first_and_an_order_traces_to_its_lots()
    {
        var shop = await NewShopAsync(products: 1, onHand: 0);
        var (first, second) = (NewLot(), NewLot());
        await ReceiveAsync(shop, shop[0], first, 3);
        var received = await ReceiveAsync(shop, shop[0], second, 5);
        received.GetProperty("onHand").GetInt64().ShouldBe(8);

        var consumer = await NewUserAsync("顾客");
        var order = await CompletedOrderAsync(consumer, shop, 4);
        var lots = await EventuallyAsync(
            async () => await (await consumer.Client.GetAsync($"/api/v1/me/orders/{IdOf(order)}/lots", Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct),
            body => body.TryGetProperty("lots", out _));
        lots.GetProperty("lots").EnumerateArray().Select(l => (l.GetProperty("lot").GetString(), l.GetProperty("quantity").GetInt64()))
            .ShouldBe([(first, 3L), (second, 1L)], ignoreOrder: true);

        // Someone else's order is not yours to look into.
        var stranger = await NewUserAsync("路人");
        await (await stranger.Client.GetAsync($"/api/v1/me/orders/{IdOf(order)}/lots", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");

        (await (await SellAtCounterAsync(shop, (shop[0], 2))).ShouldHave(HttpStatusCode.Created)).ValueKind.ShouldBe(JsonValueKind.Object);
        var left = await EventuallyAsync(async () => JsonSerializer.SerializeToElement((await StoreLotsAsync(shop))[second].Remaining), r => r.GetInt64() == 2);
        left.GetInt64().ShouldBe(2);
        (await StoreLotsAsync(shop))[first].Remaining.ShouldBe(0);
    }

    [Fact]
    public async Task A_recall_blocks_the_lots_stock_from_sale_and_notifies_the_buyers_and_the_store()
    {
        var shop = await NewShopAsync(products: 1, onHand: 0);
        var (safe, bad) = (NewLot(), NewLot());
        await ReceiveAsync(shop, shop[0], bad, 3);
        await ReceiveAsync(shop, shop[0], safe, 2);
        var buyer = await NewUserAsync("买家");
        var order = await CompletedOrderAsync(buyer, shop, 2);
        await EventuallyAsync(async () => JsonSerializer.SerializeToElement((await StoreLotsAsync(shop))[bad].Remaining), r => r.GetInt64() == 1);

        var recall = await RecallAsync(shop, bad);
        recall.GetProperty("blockedQuantity").GetInt64().ShouldBe(1);
        recall.GetProperty("affectedOrderIds").EnumerateArray().Select(o => o.GetGuid()).ShouldBe([IdOf(order)]);
        recall.GetProperty("notifiedConsumers").GetInt32().ShouldBe(1);

        // onHand 3, of which 1 is blocked: 2 available, and a third unit cannot be had.
        var stock = await StockAsync(shop, shop[0].Id);
        (stock.GetProperty("onHand").GetInt64(), stock.GetProperty("blocked").GetInt64(), stock.GetProperty("available").GetInt64()).ShouldBe((3L, 1L, 2L));
        var someone = await NewUserAsync("另一位顾客");
        await (await PlaceAsync(someone, shop, (shop[0], 3))).ShouldBeProblem(HttpStatusCode.Conflict, "out_of_stock");

        var notices = await (await buyer.Client.GetAsync("/api/v1/me/recall-notices", Ct)).ShouldHave(HttpStatusCode.OK);
        var notice = notices.GetProperty("items").EnumerateArray().Single();
        (notice.GetProperty("orderId").GetGuid(), notice.GetProperty("lot").GetString(), notice.GetProperty("quantity").GetInt64()).ShouldBe((IdOf(order), bad, 2L));
        var storeNotices = await (await shop.Staff.Client.GetAsync($"/api/v1/merchants/{shop.Merchant.Id}/recall-notices", Ct)).ShouldHave(HttpStatusCode.OK);
        var storeNotice = storeNotices.GetProperty("items").EnumerateArray().Single();
        (storeNotice.GetProperty("storeId").GetGuid(), storeNotice.GetProperty("quantity").GetInt64()).ShouldBe((shop.StoreId, 1L));
        (await someone.Client.GetAsync($"/api/v1/merchants/{shop.Merchant.Id}/recall-notices", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await (await someone.Client.GetAsync("/api/v1/me/recall-notices", Ct)).ShouldHave(HttpStatusCode.OK)).GetProperty("items").GetArrayLength().ShouldBe(0);

        // Later sales draw from the lot that is not recalled.
        await CompletedOrderAsync(buyer, shop, 1);
        await EventuallyAsync(async () => JsonSerializer.SerializeToElement((await StoreLotsAsync(shop))[safe].Remaining), r => r.GetInt64() == 1);
        (await StoreLotsAsync(shop))[bad].ShouldBe((1L, 1L));
    }

    [Fact]
    public async Task A_recall_racing_orders_never_lets_blocked_stock_be_sold()
    {
        const int units = 10;
        var shop = await NewShopAsync(products: 1, onHand: 0);
        var lot = NewLot();
        await ReceiveAsync(shop, shop[0], lot, units);
        await (await shop.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{shop.Merchant.Id}/lots",
            new { gtin = Gtin, productName = "西湖龙井 250g", lot }, Ct)).ShouldHave(HttpStatusCode.Created);
        var consumers = new List<TestUser>();
        for (var i = 0; i < 16; i++)
        {
            consumers.Add(await NewUserAsync($"抢购 {i}"));
        }

        var orderTasks = consumers.Select(c => PlaceAsync(c, shop, (shop[0], 1))).ToList();
        var recallTask = shop.Owner.Client.PostAsJsonAsync($"/api/v1/trace/lots/{Gtin}/{lot}/recall", new { reason = "召回演练" }, Ct);
        var orders = await Task.WhenAll(orderTasks);
        var recall = await recallTask;

        var placed = orders.Count(o => o.StatusCode == HttpStatusCode.Created);
        orders.Where(o => o.StatusCode != HttpStatusCode.Created).ShouldAllBe(o => o.StatusCode == HttpStatusCode.Conflict);
        var recalled = await recall.ShouldHave(HttpStatusCode.Created);
        var blocked = recalled.GetProperty("blockedQuantity").GetInt64();

        // Every unit went to exactly one side: an order that reserved it, or the block.
        (placed + blocked).ShouldBe(units);
        var stock = await StockAsync(shop, shop[0].Id);
        (stock.GetProperty("reserved").GetInt64(), stock.GetProperty("blocked").GetInt64(), stock.GetProperty("available").GetInt64())
            .ShouldBe(((long)placed, blocked, 0L));
        await (await PlaceAsync(await NewUserAsync("迟到者"), shop, (shop[0], 1))).ShouldBeProblem(HttpStatusCode.Conflict, "out_of_stock");
    }
}

public sealed class LotStockAndRecallTests_Sqlite(SqliteApp app) : LotStockAndRecallTests(app);

public sealed class LotStockAndRecallTests_Postgres(PostgresApp app) : LotStockAndRecallTests(app);
