using System.Net;
using System.Net.Http.Json;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Ordering;

public abstract class CounterSaleTests(TandemApp app) : ShopTest(app)
{
    [Fact]
    public async Task A_counter_sale_takes_goods_in_hand_even_below_zero_and_is_in_the_ledger()
    {
        var shop = await NewShopAsync(products: 2, onHand: 2, price: 500);
        var response = await SellAtCounterAsync(shop, (shop[0], 3), (shop[1], 1));
        var sale = await response.ShouldHave(HttpStatusCode.Created);
        sale.GetProperty("total").GetProperty("amount").GetInt64().ShouldBe(3 * 500 + 600);
        var lines = sale.GetProperty("lines").EnumerateArray().ToList();
        lines.Count.ShouldBe(2);
        lines[0].GetProperty("lineTotal").GetProperty("amount").GetInt64().ShouldBe(1500);
        lines[0].GetProperty("name").GetString().ShouldBe("商品 1");
        var saleId = sale.GetProperty("saleId").GetGuid();
        response.Headers.Location!.ToString().ShouldBe($"/api/v1/stores/{shop.StoreId}/pos/sales/{saleId}");

        var stock = await StockAsync(shop, shop[0].Id);
        stock.GetProperty("onHand").GetInt64().ShouldBe(-1, "a counter sale is never refused; a recount is due");
        var movement = (await MovementsAsync(shop, shop[0].Id)).Last();
        movement.GetProperty("reason").GetString().ShouldBe("pos_sale");
        movement.GetProperty("delta").GetInt64().ShouldBe(-3);
        movement.GetProperty("onHandAfter").GetInt64().ShouldBe(-1);
        movement.GetProperty("reference").GetString().ShouldBe($"pos:{saleId}");

        var receipt = await (await shop.Staff.Client.GetAsync($"/api/v1/stores/{shop.StoreId}/pos/sales/{saleId}", Ct)).ShouldHave(HttpStatusCode.OK);
        receipt.GetProperty("total").GetProperty("amount").GetInt64().ShouldBe(2100);
        receipt.GetProperty("payment").GetProperty("method").GetString().ShouldBe("cash");
        receipt.GetProperty("cashierId").GetGuid().ShouldBe(shop.Staff.Id);
    }

    [Fact]
    public async Task A_product_never_stocked_at_the_store_can_still_be_sold_at_the_counter()
    {
        var shop = await NewShopAsync(products: 0);
        var product = await NewProductAsync(shop.Merchant, "样品");
        var response = await shop.Staff.Client.PostAsJsonAsync($"/api/v1/stores/{shop.StoreId}/pos/sales", new
        {
            lines = new[] { new { productId = product.GetProperty("productId").GetGuid(), quantity = 1 } },
            payment = new { method = "card" },
        }, Ct);
        await response.ShouldHave(HttpStatusCode.Created);
        var stock = await (await shop.Staff.Client.GetAsync($"/api/v1/stores/{shop.StoreId}/stock/{product.GetProperty("productId").GetGuid()}", Ct))
            .ShouldHave(HttpStatusCode.OK);
        stock.GetProperty("onHand").GetInt64().ShouldBe(-1);
    }

    [Fact]
    public async Task A_scanned_GTIN_13_finds_the_product_stored_as_GTIN_14()
    {
        var shop = await NewShopAsync(products: 0);
        var product = await NewProductAsync(shop.Merchant, "藕粉", 850, gtin: "6901234567892");
        product.GetProperty("gtin").GetString().ShouldBe("06901234567892");
        var productId = product.GetProperty("productId").GetGuid();
        await (await shop.Staff.Client.PutAsJsonAsync($"/api/v1/stores/{shop.StoreId}/stock/{productId}", new { onHand = 5 }, Ct)).ShouldHave(HttpStatusCode.OK);

        var sale = await (await shop.Staff.Client.PostAsJsonAsync($"/api/v1/stores/{shop.StoreId}/pos/sales", new
        {
            lines = new object[] { new { gtin = "6901234567892", quantity = 2 } },
            payment = new { method = "sandbox" },
        }, Ct)).ShouldHave(HttpStatusCode.Created);
        var line = sale.GetProperty("lines")[0];
        line.GetProperty("productId").GetGuid().ShouldBe(productId);
        line.GetProperty("gtin").GetString().ShouldBe("06901234567892");
        sale.GetProperty("total").GetProperty("amount").GetInt64().ShouldBe(1700);
        (await (await shop.Staff.Client.GetAsync($"/api/v1/stores/{shop.StoreId}/stock/{productId}", Ct)).ShouldHave(HttpStatusCode.OK))
            .GetProperty("onHand").GetInt64().ShouldBe(3);
    }

    [Theory]
    [InlineData("{\"lines\": [{\"quantity\": 1}], \"payment\": {\"method\": \"cash\"}}", "lines[0]")]
    [InlineData("{\"lines\": [{\"productId\": \"PID\", \"gtin\": \"6901234567892\", \"quantity\": 1}], \"payment\": {\"method\": \"cash\"}}", "lines[0]")]
    [InlineData("{\"lines\": [{\"productId\": \"PID\", \"quantity\": 0}], \"payment\": {\"method\": \"cash\"}}", "lines[0].quantity")]
    [InlineData("{\"lines\": [{\"productId\": \"PID\", \"quantity\": 1}], \"payment\": {\"method\": \"bitcoin\"}}", "payment.method")]
    [InlineData("{\"lines\": [{\"productId\": \"PID\", \"quantity\": 1}]}", "payment")]
    [InlineData("{\"lines\": [], \"payment\": {\"method\": \"cash\"}}", "lines")]
    public async Task A_line_names_exactly_one_product_and_the_payment_method_is_known(string body, string field)
    {
        var shop = await NewShopAsync(products: 1);
        var response = await shop.Staff.Client.PostRawAsync($"/api/v1/stores/{shop.StoreId}/pos/sales", body.Replace("PID", shop[0].Id.ToString()));
        (await response.ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed")).GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue();
        (await StockAsync(shop, shop[0].Id)).GetProperty("onHand").GetInt64().ShouldBe(10);
    }

    [Fact]
    public async Task Bad_unknown_and_foreign_products_are_refused()
    {
        var shop = await NewShopAsync(products: 1);
        var other = await NewShopAsync(products: 1);
        async Task<HttpResponseMessage> Sell(object line) => await shop.Staff.Client.PostAsJsonAsync($"/api/v1/stores/{shop.StoreId}/pos/sales",
            new { lines = new[] { line }, payment = new { method = "cash" } }, Ct);
        await (await Sell(new { gtin = "6901234567890", quantity = 1 })).ShouldBeProblem(HttpStatusCode.BadRequest, "invalid_gtin");
        await (await Sell(new { gtin = "96385074", quantity = 1 })).ShouldBeProblem(HttpStatusCode.BadRequest, "unknown_product");
        await (await Sell(new { productId = Guid.NewGuid(), quantity = 1 })).ShouldBeProblem(HttpStatusCode.BadRequest, "unknown_product");
        await (await Sell(new { productId = other[0].Id, quantity = 1 })).ShouldBeProblem(HttpStatusCode.BadRequest, "product_of_another_merchant");
    }

    [Fact]
    public async Task Only_staff_of_the_stores_merchant_sell_at_its_counter()
    {
        var shop = await NewShopAsync(products: 1);
        var other = await NewShopAsync(products: 0);
        var body = new { lines = Lines((shop[0], 1)), payment = new { method = "cash" } };
        await (await other.Staff.Client.PostAsJsonAsync($"/api/v1/stores/{shop.StoreId}/pos/sales", body, Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await (await NewUserAsync()).Client.PostAsJsonAsync($"/api/v1/stores/{shop.StoreId}/pos/sales", body, Ct))
            .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        var sale = await (await shop.Staff.Client.PostAsJsonAsync($"/api/v1/stores/{shop.StoreId}/pos/sales", body, Ct)).ShouldHave(HttpStatusCode.Created);
        await (await other.Staff.Client.GetAsync($"/api/v1/stores/{shop.StoreId}/pos/sales/{sale.GetProperty("saleId").GetGuid()}", Ct))
            .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await shop.Staff.Client.GetAsync($"/api/v1/stores/{shop.StoreId}/pos/sales/{Guid.NewGuid()}", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
    }
}

public sealed class CounterSaleTests_Sqlite(SqliteApp app) : CounterSaleTests(app);

public sealed class CounterSaleTests_Postgres(PostgresApp app) : CounterSaleTests(app);
