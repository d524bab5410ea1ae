using System.Net;
using System.Net.Http.Json;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Acceptance;

/// <summary>API.md, "Counter sales (POS)" and the at-risk rule of "Catalogue and stock".</summary>
public abstract class CounterSaleTests(TandemApp app) : AcceptanceTest(app)
{
    [Fact]
    public async Task A_counter_sale_by_product_id_answers_its_total_and_takes_stock_off_hand()
    {
        var shop = await NewShopAsync((1299, 10), (350, 10));
        var sale = await (await PosSaleAsync(shop, (0, 2), (1, 3))).ShouldHave(HttpStatusCode.Created);

        sale.GetProperty("saleId").GetString().ShouldNotBeNullOrWhiteSpace();
        Amount(sale.GetProperty("total")).ShouldBe(2 * 1299 + 3 * 350);
        sale.GetProperty("lines").GetArrayLength().ShouldBe(2);
        (await StockAsync(shop, 0)).ShouldBe(new StockLevel(8, 0, 8));
        (await StockAsync(shop, 1)).ShouldBe(new StockLevel(7, 0, 7));
    }

    [Theory]
    [InlineData(13)]
    [InlineData(12)]
    [InlineData(14)]
    public async Task A_scanned_gtin_matches_the_stored_gtin_14(int scannedLength)
    {
        var merchant = await NewMerchantAsync();
        var store = await NewStoreAsync(merchant);
        var staff = await AddStaffAsync(merchant);
        var upc = NewGtin12();
        var product = await NewProductAsync(merchant, price: 600, gtin: upc);
        product.Gtin14.ShouldBe("00" + upc);
        await CountAsync(staff.Client, store.Id, product.Id, 5);

        var scanned = product.Gtin14![(14 - scannedLength)..];
        var sale = await (await PosSaleAsync(staff.Client, store.Id, [new { gtin = scanned, quantity = 2 }])).ShouldHave(HttpStatusCode.Created);
        Amount(sale.GetProperty("total")).ShouldBe(1200);
        (await StockAsync(staff.Client, store.Id, product.Id)).OnHand.ShouldBe(3);
    }

    [Fact]
    public async Task A_gtin_13_scan_matches_a_product_stored_from_a_gtin_13()
    {
        var merchant = await NewMerchantAsync();
        var store = await NewStoreAsync(merchant);
        var staff = await AddStaffAsync(merchant);
        var gtin = NewGtin13();
        var product = await NewProductAsync(merchant, price: 450, gtin: gtin);
        await CountAsync(staff.Client, store.Id, product.Id, 5);
        await (await PosSaleAsync(staff.Client, store.Id, [new { gtin, quantity = 1 }])).ShouldHave(HttpStatusCode.Created);
        await (await PosSaleAsync(staff.Client, store.Id, [new { gtin = "0" + gtin, quantity = 1 }])).ShouldHave(HttpStatusCode.Created);
        (await StockAsync(staff.Client, store.Id, product.Id)).OnHand.ShouldBe(3);
    }

    [Fact]
    public async Task A_counter_sale_is_never_refused_for_stock_and_may_take_on_hand_below_zero()
    {
        var shop = await NewShopAsync((100, 1));
        await (await PosSaleAsync(shop, (0, 3))).ShouldHave(HttpStatusCode.Created);
        (await StockAsync(shop)).ShouldBe(new StockLevel(-2, 0, -2));
        var last = (await MovementsAsync(shop))[^1];
        last.GetProperty("reason").GetString().ShouldBe("pos_sale");
        last.GetProperty("delta").GetInt64().ShouldBe(-3);
        last.GetProperty("onHandAfter").GetInt64().ShouldBe(-2);

        // Online orders still never reserve what is not there.
        var consumer = await NewUserAsync();
        await (await PlaceAsync(consumer, shop, (0, 1))).ShouldBeProblem(HttpStatusCode.Conflict, "out_of_stock");
        // A recount puts it right.
        (await CountAsync(shop.Staff.Client, shop.Store.Id, shop[0].Id, 4)).ShouldBe(new StockLevel(4, 0, 4));
    }

    [Theory]
    [InlineData("cash")]
    [InlineData("card")]
    [InlineData("sandbox")]
    public async Task Each_payment_method_is_accepted(string method)
    {
        var shop = await NewShopAsync((100, 5));
        await (await PosSaleAsync(shop.Staff.Client, shop.Store.Id, [new { productId = shop[0].Id, quantity = 1 }], method)).ShouldHave(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Malformed_counter_sales_are_refused_and_take_nothing()
    {
        var shop = await NewShopAsync((100, 5));
        var gtin = NewGtin13();
        async Task Refused(IEnumerable<object> lines, string method = "cash")
        {
            var response = await PosSaleAsync(shop.Staff.Client, shop.Store.Id, lines, method);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync(Ct));
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        }

        await Refused([new { productId = shop[0].Id, gtin, quantity = 1 }]);
        await Refused([new { quantity = 1 }]);
        await Refused([new { productId = shop[0].Id, quantity = 0 }]);
        await Refused([]);
        await Refused([new { productId = shop[0].Id, quantity = 1 }], "bitcoin");
        await Refused([new { productId = Guid.NewGuid(), quantity = 1 }]);
        await Refused([new { gtin = "6901234567891", quantity = 1 }]);
        (await StockAsync(shop)).OnHand.ShouldBe(5);
    }

    [Fact]
    public async Task Counter_sales_belong_to_the_merchants_staff()
    {
        var shop = await NewShopAsync((100, 5));
        var other = await NewShopAsync((100, 5));
        var consumer = await NewUserAsync();
        var lines = new object[] { new { productId = shop[0].Id, quantity = 1 } };
        await (await PosSaleAsync(other.Staff.Client, shop.Store.Id, lines)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await PosSaleAsync(consumer.Client, shop.Store.Id, lines)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await Anonymous().PostAsJsonAsync($"/api/v1/stores/{shop.Store.Id}/pos/sales", new { lines, payment = new { method = "cash" } }, Ct))
            .ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
        // Another merchant's product cannot be sold here either.
        var response = await PosSaleAsync(shop.Staff.Client, shop.Store.Id, [new { productId = other[0].Id, quantity = 1 }]);
        response.StatusCode.ShouldBeOneOf(HttpStatusCode.BadRequest, HttpStatusCode.NotFound);
        (await StockAsync(shop)).OnHand.ShouldBe(5);
        (await StockAsync(other)).OnHand.ShouldBe(5);
    }

    [Fact]
    public async Task A_counter_sale_below_reserved_flags_the_newest_open_orders_until_a_count_covers_them()
    {
        var shop = await NewShopAsync((100, 5));
        var older = await OrderAsync(await NewUserAsync(), shop, (0, 2));
        var middleConsumer = await NewUserAsync();
        var middle = await PaidOrderAsync(middleConsumer, shop, (0, 1));
        var newestConsumer = await NewUserAsync();
        var newest = await OrderAsync(newestConsumer, shop, (0, 1));
        (await StockAsync(shop)).ShouldBe(new StockLevel(5, 4, 1));

        // onHand 5 → 2 with 4 reserved: a shortfall of 2, covered by flagging the two newest orders.
        await (await PosSaleAsync(shop, (0, 3))).ShouldHave(HttpStatusCode.Created);
        (await StockAsync(shop)).ShouldBe(new StockLevel(2, 4, -2));
        async Task<bool> AtRisk(Guid id) => (await GetOrderAsync(shop.Staff.Client, id)).GetProperty("atRisk").GetBoolean();
        (await AtRisk(Id(newest))).ShouldBeTrue();
        (await AtRisk(Id(middle))).ShouldBeTrue();
        (await AtRisk(Id(older))).ShouldBeFalse();
        (await GetOrderAsync(newestConsumer.Client, Id(newest))).GetProperty("atRisk").GetBoolean().ShouldBeTrue();

        // Stock covers them again: the flags clear.
        await CountAsync(shop.Staff.Client, shop.Store.Id, shop[0].Id, 4);
        (await AtRisk(Id(newest))).ShouldBeFalse();
        (await AtRisk(Id(middle))).ShouldBeFalse();
        (await AtRisk(Id(older))).ShouldBeFalse();
    }

    [Fact]
    public async Task Cancelling_the_order_that_caused_the_shortfall_clears_the_flag_of_the_others()
    {
        var shop = await NewShopAsync((100, 3));
        var a = await NewUserAsync();
        var b = await NewUserAsync();
        var first = await OrderAsync(a, shop, (0, 1));
        var second = await OrderAsync(b, shop, (0, 2));
        await (await PosSaleAsync(shop, (0, 1))).ShouldHave(HttpStatusCode.Created);
        (await StockAsync(shop)).ShouldBe(new StockLevel(2, 3, -1));
        (await GetOrderAsync(b.Client, Id(second))).GetProperty("atRisk").GetBoolean().ShouldBeTrue();
        (await GetOrderAsync(a.Client, Id(first))).GetProperty("atRisk").GetBoolean().ShouldBeFalse();

        // Handing over / cancelling changes reserved too: cancelling the newest leaves 2 on hand for 1 reserved.
        await (await CancelAsync(b.Client, Id(second))).ShouldHave(HttpStatusCode.OK);
        (await StockAsync(shop)).ShouldBe(new StockLevel(2, 1, 1));
        (await GetOrderAsync(a.Client, Id(first))).GetProperty("atRisk").GetBoolean().ShouldBeFalse();
    }
}

public sealed class CounterSaleTests_Sqlite(SqliteApp app) : CounterSaleTests(app);

public sealed class CounterSaleTests_Postgres(PostgresApp app) : CounterSaleTests(app);
