using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Ordering;

namespace Tandem.Tests.Traceability;

/// <summary>
/// What ends a recall's block: the store disposes of the recalled units (destroyed or returned to the supplier), or
/// the recalling party withdraws the recall and what it still blocks goes back on sale.
/// </summary>
public abstract class RecallResolutionTests(TandemApp app) : ShopTest(app)
{
    private const string Gtin = "06975000000029";

    private static string NewLot() => "R" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    private async Task ReceiveAsync(TestShop shop, string lot, long quantity) =>
        await (await shop.Staff.Client.PostAsJsonAsync($"/api/v1/stores/{shop.StoreId}/lot-receipts",
            new { productId = shop[0].Id, gtin = Gtin, lot, quantity }, Ct)).ShouldHave(HttpStatusCode.Created);

    /// <summary>The shop's owner registers the lot as its producer and recalls it.</summary>
    private async Task<JsonElement> RecallAsync(TestShop shop, string lot, bool register = true)
    {
        if (register)
        {
            await (await shop.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{shop.Merchant.Id}/lots",
                new { gtin = Gtin, productName = "西湖龙井 250g", lot }, Ct)).ShouldHave(HttpStatusCode.Created);
        }

        return await (await shop.Owner.Client.PostAsJsonAsync($"/api/v1/trace/lots/{Gtin}/{lot}/recall", new { reason = "农残超标" }, Ct))
            .ShouldHave(HttpStatusCode.Created);
    }

    private Task<HttpResponseMessage> DisposeAsync(TestUser by, TestShop shop, string lot, string kind, long quantity, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/stores/{shop.StoreId}/lots/{Gtin}/{lot}/disposals")
        {
            Content = JsonContent.Create(new { kind, quantity }),
        };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return by.Client.SendAsync(request, Ct);
    }

    private async Task<(long OnHand, long Blocked, long Available)> LevelsAsync(TestShop shop)
    {
        var stock = await StockAsync(shop, shop[0].Id);
        return (stock.GetProperty("onHand").GetInt64(), stock.GetProperty("blocked").GetInt64(), stock.GetProperty("available").GetInt64());
    }

    private async Task<(long Remaining, long Blocked)> LotAsync(TestShop shop, string lot)
    {
        var body = await (await shop.Staff.Client.GetAsync($"/api/v1/stores/{shop.StoreId}/lots", Ct)).ShouldHave(HttpStatusCode.OK);
        var rows = body.GetProperty("items").EnumerateArray().Where(l => l.GetProperty("lot").GetString() == lot).ToList();
        return (rows.Sum(l => l.GetProperty("remaining").GetInt64()), rows.Sum(l => l.GetProperty("blocked").GetInt64()));
    }

    [Fact]
    public async Task A_manager_disposes_of_recalled_units_and_the_ledger_adds_up()
    {
        var shop = await NewShopAsync(products: 1, onHand: 0);
        var lot = NewLot();
        await ReceiveAsync(shop, lot, 6);
        await ReceiveAsync(shop, lot, 4);
        var recallId = (await RecallAsync(shop, lot)).GetProperty("recallId").GetGuid();
        (await LevelsAsync(shop)).ShouldBe((10L, 10L, 0L));

        var destroyed = await (await DisposeAsync(shop.Manager, shop, lot, "destroyed", 7)).ShouldHave(HttpStatusCode.Created);
        (destroyed.GetProperty("onHand").GetInt64(), destroyed.GetProperty("blocked").GetInt64(), destroyed.GetProperty("recallId").GetGuid())
            .ShouldBe((3L, 3L, recallId));
        (await LotAsync(shop, lot)).ShouldBe((3L, 3L));

        // The same Idempotency-Key twice: one disposal, the same answer.
        var key = Guid.NewGuid().ToString();
        var first = await (await DisposeAsync(shop.Manager, shop, lot, "returned", 2, key)).ShouldHave(HttpStatusCode.Created);
        var again = await DisposeAsync(shop.Manager, shop, lot, "returned", 2, key);
        (await again.ShouldHave(HttpStatusCode.Created)).GetProperty("onHand").GetInt64().ShouldBe(first.GetProperty("onHand").GetInt64());
        again.Headers.GetValues("Idempotent-Replayed").Single().ShouldBe("true");
        (await LevelsAsync(shop)).ShouldBe((1L, 1L, 0L));
        (await LotAsync(shop, lot)).ShouldBe((1L, 1L));

        var movements = await MovementsAsync(shop, shop[0].Id);
        movements.Sum(m => m.GetProperty("delta").GetInt64()).ShouldBe(1);
        var last = movements.TakeLast(2).Select(m => (m.GetProperty("reason").GetString(), m.GetProperty("delta").GetInt64())).ToList();
        last.ShouldBe([("damage", -7L), ("return", -2L)]);
        movements.Last().GetProperty("reference").GetString()!.ShouldContain(recallId.ToString("D"));

        // More than is blocked, bad input, the wrong role: refused, and nothing changes.
        (await (await DisposeAsync(shop.Manager, shop, lot, "destroyed", 2)).ShouldBeProblem(HttpStatusCode.Conflict, "not_enough_blocked"))
            .GetProperty("blocked").GetInt64().ShouldBe(1);
        await (await DisposeAsync(shop.Manager, shop, lot, "eaten", 1)).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await DisposeAsync(shop.Manager, shop, lot, "destroyed", 0)).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await DisposeAsync(shop.Staff, shop, lot, "destroyed", 1)).ShouldBeProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await DisposeAsync(shop.Manager, shop, NewLot(), "destroyed", 1)).ShouldBeProblem(HttpStatusCode.Conflict, "nothing_blocked");
        (await LevelsAsync(shop)).ShouldBe((1L, 1L, 0L));
        (await MovementsAsync(shop, shop[0].Id)).Count.ShouldBe(movements.Count);
    }

    [Fact]
    public async Task Withdrawing_a_recall_lifts_what_it_still_blocks_and_tells_everyone_it_told()
    {
        var shop = await NewShopAsync(products: 1, onHand: 0);
        var lot = NewLot();
        await ReceiveAsync(shop, lot, 10);
        var buyer = await NewUserAsync("买家");
        var order = await ReadyOrderAsync(buyer, shop, (shop[0], 2));
        await (await HandoverAsync(shop, IdOf(order), order.GetProperty("pickupCode").GetString()!)).ShouldHave(HttpStatusCode.OK);
        await EventuallyAsync(async () => JsonSerializer.SerializeToElement((await LotAsync(shop, lot)).Remaining), r => r.GetInt64() == 8);
        var recallId = (await RecallAsync(shop, lot)).GetProperty("recallId").GetGuid();
        await (await DisposeAsync(shop.Manager, shop, lot, "destroyed", 3)).ShouldHave(HttpStatusCode.Created);
        (await LevelsAsync(shop)).ShouldBe((5L, 5L, 0L));

        var url = $"/api/v1/trace/recalls/{recallId}/withdraw";
        var stranger = await NewShopAsync(products: 1, onHand: 0);
        await (await stranger.Owner.Client.PostAsJsonAsync(url, new { reason = "检测有误" }, Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await shop.Staff.Client.PostAsJsonAsync(url, new { reason = "检测有误" }, Ct)).ShouldBeProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await shop.Owner.Client.PostAsJsonAsync(url, new { reason = "" }, Ct)).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await LevelsAsync(shop)).ShouldBe((5L, 5L, 0L));

        var withdrawn = await (await shop.Manager.Client.PostAsJsonAsync(url, new { reason = "复检合格 The lab result was wrong" }, Ct)).ShouldHave(HttpStatusCode.OK);
        (withdrawn.GetProperty("unblockedQuantity").GetInt64(), withdrawn.GetProperty("notifiedConsumers").GetInt32(), withdrawn.GetProperty("notifiedMerchants").GetInt32())
            .ShouldBe((5L, 1, 1));
        (await LevelsAsync(shop)).ShouldBe((5L, 0L, 5L));
        (await LotAsync(shop, lot)).ShouldBe((5L, 0L));
        await (await shop.Owner.Client.PostAsJsonAsync(url, new { reason = "again" }, Ct)).ShouldBeProblem(HttpStatusCode.Conflict, "already_withdrawn");

        var notices = (await (await buyer.Client.GetAsync("/api/v1/me/recall-notices", Ct)).ShouldHave(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        notices.Select(n => n.GetProperty("kind").GetString()).ShouldBe(["withdrawal", "recall"], ignoreOrder: true);
        notices.Single(n => n.GetProperty("kind").GetString() == "withdrawal").GetProperty("reason").GetString().ShouldBe("复检合格 The lab result was wrong");
        var storeNotices = (await (await shop.Staff.Client.GetAsync($"/api/v1/merchants/{shop.Merchant.Id}/recall-notices", Ct)).ShouldHave(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().ToList();
        storeNotices.Single(n => n.GetProperty("kind").GetString() == "withdrawal").GetProperty("quantity").GetInt64().ShouldBe(5);

        // The order's lots are no longer recalled; the recall is listed as withdrawn; the lot may be recalled again.
        var lots = await (await buyer.Client.GetAsync($"/api/v1/me/orders/{IdOf(order)}/lots", Ct)).ShouldHave(HttpStatusCode.OK);
        lots.GetProperty("lots").EnumerateArray().ShouldAllBe(l => !l.GetProperty("recalled").GetBoolean());
        var listed = (await (await Anonymous().GetAsync("/api/v1/trace/recalls", Ct)).ShouldHave(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .Single(r => r.GetProperty("recallId").GetGuid() == recallId);
        listed.GetProperty("withdrawnAt").ValueKind.ShouldBe(JsonValueKind.String);
        var mine = await (await shop.Staff.Client.GetAsync($"/api/v1/merchants/{shop.Merchant.Id}/lots", Ct)).ShouldHave(HttpStatusCode.OK);
        var item = mine.GetProperty("items").EnumerateArray().Single(l => l.GetProperty("lot").GetString() == lot);
        (!item.TryGetProperty("recall", out var gone) || gone.ValueKind == JsonValueKind.Null).ShouldBeTrue();

        var again = await RecallAsync(shop, lot, register: false);
        again.GetProperty("blockedQuantity").GetInt64().ShouldBe(5);
        (await LevelsAsync(shop)).ShouldBe((5L, 5L, 0L));
    }

    [Fact]
    public async Task Parallel_disposals_never_take_more_than_was_blocked()
    {
        var shop = await NewShopAsync(products: 1, onHand: 0);
        var lot = NewLot();
        await ReceiveAsync(shop, lot, 7);
        await ReceiveAsync(shop, lot, 6);
        (await RecallAsync(shop, lot)).GetProperty("blockedQuantity").GetInt64().ShouldBe(13);

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            DisposeAsync(shop.Manager, shop, lot, i % 2 == 0 ? "destroyed" : "returned", 2, key: i % 3 == 0 ? Guid.NewGuid().ToString() : null)));
        answers.ShouldAllBe(a => a.StatusCode == HttpStatusCode.Created || a.StatusCode == HttpStatusCode.Conflict);
        var disposed = answers.Count(a => a.StatusCode == HttpStatusCode.Created) * 2L;
        disposed.ShouldBe(12, "six disposals of 2 fit in 13 blocked units; the rest are refused");

        var (onHand, blocked, _) = await LevelsAsync(shop);
        (onHand, blocked).ShouldBe((13 - disposed, 13 - disposed));
        (await LotAsync(shop, lot)).ShouldBe((13 - disposed, 13 - disposed));
        (await MovementsAsync(shop, shop[0].Id)).Sum(m => m.GetProperty("delta").GetInt64()).ShouldBe(onHand);
    }
}

public sealed class RecallResolutionTests_Sqlite(SqliteApp app) : RecallResolutionTests(app);

public sealed class RecallResolutionTests_Postgres(PostgresApp app) : RecallResolutionTests(app);
