using System.Net;
using System.Net.Http.Json;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Acceptance;

/// <summary>API.md, "Catalogue and stock".</summary>
public abstract class CatalogueAndStockTests(TandemApp app) : AcceptanceTest(app)
{
    [Fact]
    public async Task A_product_is_created_with_its_gtin_stored_as_14_digits_and_read_publicly()
    {
        var merchant = await NewMerchantAsync();
        var gtin13 = NewGtin13();
        var created = await (await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/products",
            new { name = "康师傅红烧牛肉面", price = Cny(450), gtin = gtin13, description = "方便面", unit = "袋" }, Ct)).ShouldHave(HttpStatusCode.Created);

        created.GetProperty("merchantId").GetGuid().ShouldBe(merchant.Id);
        created.GetProperty("name").GetString().ShouldBe("康师傅红烧牛肉面");
        Amount(created.GetProperty("price")).ShouldBe(450);
        created.GetProperty("gtin").GetString().ShouldBe("0" + gtin13);
        var id = created.GetProperty("productId").GetString()!;

        var read = await (await Anonymous().GetAsync($"/api/v1/products/{id}", Ct)).ShouldHave(HttpStatusCode.OK);
        read.GetProperty("productId").GetString().ShouldBe(id);
        read.GetProperty("gtin").GetString().ShouldBe("0" + gtin13);
        Amount(read.GetProperty("price")).ShouldBe(450);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(14)]
    public async Task Every_gtin_length_is_accepted_and_left_padded(int length)
    {
        var merchant = await NewMerchantAsync();
        var body = NewGtin13()[..12];
        var digits = length switch { 8 => body[..7], 12 => body[1..12], _ => "1" + body[..12] };
        var gtin = digits + GtinCheckDigit(digits);
        var product = await NewProductAsync(merchant, gtin: gtin);
        product.Gtin14.ShouldBe(gtin.PadLeft(14, '0'));
    }

    [Theory]
    [InlineData("6901234567891")]   // wrong check digit (…892 is right)
    [InlineData("690123456789")]    // 12 digits, wrong check digit
    [InlineData("12345")]
    [InlineData("69012345678AB")]
    public async Task A_gtin_with_a_wrong_check_digit_or_length_is_invalid(string gtin)
    {
        var merchant = await NewMerchantAsync();
        var response = await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/products", new { name = "x", price = Cny(1), gtin }, Ct);
        await response.ShouldBeProblem(HttpStatusCode.BadRequest, "invalid_gtin");
    }

    [Fact]
    public async Task A_gtin_is_unique_within_a_merchant_whatever_its_written_length_but_free_across_merchants()
    {
        var merchant = await NewMerchantAsync();
        var gtin13 = NewGtin13();
        await NewProductAsync(merchant, gtin: gtin13);
        var again = await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/products", new { name = "dup", price = Cny(1), gtin = "0" + gtin13 }, Ct);
        await again.ShouldBeProblem(HttpStatusCode.Conflict, "gtin_taken");

        var other = await NewMerchantAsync();
        (await NewProductAsync(other, gtin: gtin13)).Gtin14.ShouldBe("0" + gtin13);
    }

    [Fact]
    public async Task A_negative_price_is_refused_and_only_CNY_is_traded()
    {
        var merchant = await NewMerchantAsync();
        var url = $"/api/v1/merchants/{merchant.Id}/products";
        await (await merchant.Owner.Client.PostAsJsonAsync(url, new { name = "x", price = Cny(-1) }, Ct)).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await merchant.Owner.Client.PostAsJsonAsync(url, new { name = "x", price = new { amount = 100, currency = "USD" } }, Ct))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "unsupported_currency");
        (await NewProductAsync(merchant, price: 0)).Price.ShouldBe(0);
    }

    [Fact]
    public async Task Products_are_managed_by_managers_and_owners_not_by_staff_or_strangers()
    {
        var merchant = await NewMerchantAsync();
        var url = $"/api/v1/merchants/{merchant.Id}/products";
        var staff = await AddStaffAsync(merchant, "staff");
        var manager = await AddStaffAsync(merchant, "manager");
        var stranger = await NewUserAsync();

        await (await manager.Client.PostAsJsonAsync(url, new { name = "x", price = Cny(1) }, Ct)).ShouldHave(HttpStatusCode.Created);
        await (await staff.Client.PostAsJsonAsync(url, new { name = "x", price = Cny(1) }, Ct)).ShouldBeProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await stranger.Client.PostAsJsonAsync(url, new { name = "x", price = Cny(1) }, Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await Anonymous().PostAsJsonAsync(url, new { name = "x", price = Cny(1) }, Ct)).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task A_product_of_the_merchant_with_no_stock_yet_reads_as_zeros()
    {
        var merchant = await NewMerchantAsync();
        var store = await NewStoreAsync(merchant);
        var product = await NewProductAsync(merchant);
        var body = await (await merchant.Owner.Client.GetAsync($"/api/v1/stores/{store.Id}/stock/{product.Id}", Ct)).ShouldHave(HttpStatusCode.OK);
        body.GetProperty("storeId").GetGuid().ShouldBe(store.Id);
        body.GetProperty("productId").GetGuid().ShouldBe(product.Id);
        ReadStock(body).ShouldBe(new StockLevel(0, 0, 0));
        (await MovementsAsync(merchant.Owner.Client, store.Id, product.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_count_sets_on_hand_and_is_recorded_as_a_movement()
    {
        var merchant = await NewMerchantAsync();
        var store = await NewStoreAsync(merchant);
        var product = await NewProductAsync(merchant);
        var staff = await AddStaffAsync(merchant, "staff");

        var counted = await (await staff.Client.PutAsJsonAsync($"/api/v1/stores/{store.Id}/stock/{product.Id}", new { onHand = 12 }, Ct)).ShouldHave(HttpStatusCode.OK);
        counted.GetProperty("storeId").GetGuid().ShouldBe(store.Id);
        counted.GetProperty("productId").GetGuid().ShouldBe(product.Id);
        ReadStock(counted).ShouldBe(new StockLevel(12, 0, 12));
        (await CountAsync(staff.Client, store.Id, product.Id, 7)).ShouldBe(new StockLevel(7, 0, 7));

        var movements = await MovementsAsync(staff.Client, store.Id, product.Id);
        movements.Count.ShouldBe(2);
        movements[0].GetProperty("delta").GetInt64().ShouldBe(12);
        movements[0].GetProperty("onHandAfter").GetInt64().ShouldBe(12);
        movements[1].GetProperty("delta").GetInt64().ShouldBe(-5);
        movements[1].GetProperty("onHandAfter").GetInt64().ShouldBe(7);
        foreach (var m in movements)
        {
            m.GetProperty("reason").GetString().ShouldBe("count");
            m.GetProperty("at").GetDateTimeOffset().Offset.ShouldBe(TimeSpan.Zero);
            m.GetProperty("actor").GetString().ShouldBe(staff.Id.ToString());
        }
    }

    [Fact]
    public async Task A_negative_count_is_refused_and_writes_nothing()
    {
        var shop = await NewShopAsync((100, 5));
        var response = await shop.Owner.Client.PutAsJsonAsync($"/api/v1/stores/{shop.Store.Id}/stock/{shop[0].Id}", new { onHand = -1 }, Ct);
        await response.ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await StockAsync(shop)).ShouldBe(new StockLevel(5, 0, 5));
        (await MovementsAsync(shop)).Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("receipt", 5)]
    [InlineData("count", -2)]
    [InlineData("damage", -1)]
    [InlineData("return", 1)]
    [InlineData("transfer", -3)]
    [InlineData("other", 2)]
    public async Task An_adjustment_changes_on_hand_by_its_delta_with_its_reason(string reason, int delta)
    {
        var shop = await NewShopAsync((100, 10));
        var body = await (await shop.Owner.Client.PostAsJsonAsync($"/api/v1/stores/{shop.Store.Id}/stock/{shop[0].Id}/adjustments", new { delta, reason }, Ct))
            .ShouldHave(HttpStatusCode.OK);
        ReadStock(body).ShouldBe(new StockLevel(10 + delta, 0, 10 + delta));
        var last = (await MovementsAsync(shop))[^1];
        last.GetProperty("reason").GetString().ShouldBe(reason);
        last.GetProperty("delta").GetInt64().ShouldBe(delta);
        last.GetProperty("onHandAfter").GetInt64().ShouldBe(10 + delta);
    }

    [Fact]
    public async Task An_adjustment_with_an_unknown_reason_is_refused()
    {
        var shop = await NewShopAsync((100, 10));
        var response = await shop.Owner.Client.PostAsJsonAsync($"/api/v1/stores/{shop.Store.Id}/stock/{shop[0].Id}/adjustments", new { delta = 1, reason = "theft" }, Ct);
        await response.ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await StockAsync(shop)).OnHand.ShouldBe(10);
    }

    [Fact]
    public async Task Stock_belongs_to_the_merchant_staff_read_and_count_it_strangers_see_nothing()
    {
        var shop = await NewShopAsync((100, 10));
        var other = await NewShopAsync((100, 1));
        var url = $"/api/v1/stores/{shop.Store.Id}/stock/{shop[0].Id}";

        await (await Anonymous().GetAsync(url, Ct)).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
        await (await other.Staff.Client.GetAsync(url, Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await other.Owner.Client.PutAsJsonAsync(url, new { onHand = 99 }, Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await other.Owner.Client.GetAsync(url + "/movements", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        var consumer = await NewUserAsync();
        await (await consumer.Client.GetAsync(url, Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        // Another merchant's product in this merchant's store is not found either.
        await (await shop.Owner.Client.GetAsync($"/api/v1/stores/{shop.Store.Id}/stock/{other[0].Id}", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");

        (await StockAsync(shop)).OnHand.ShouldBe(10);
        (await CountAsync(shop.Staff.Client, shop.Store.Id, shop[0].Id, 11)).OnHand.ShouldBe(11);
    }

    [Fact]
    public async Task Staff_count_stock_but_adjustments_need_a_manager()
    {
        var shop = await NewShopAsync((100, 10));
        var url = $"/api/v1/stores/{shop.Store.Id}/stock/{shop[0].Id}/adjustments";
        await (await shop.Staff.Client.PostAsJsonAsync(url, new { delta = 1, reason = "receipt" }, Ct)).ShouldBeProblem(HttpStatusCode.Forbidden, "forbidden");
        var manager = await AddStaffAsync(shop.Merchant, "manager");
        await (await manager.Client.PostAsJsonAsync(url, new { delta = 1, reason = "receipt" }, Ct)).ShouldHave(HttpStatusCode.OK);
        (await StockAsync(shop)).OnHand.ShouldBe(11);
    }

    [Fact]
    public async Task Every_stock_event_moves_on_hand_and_reserved_as_the_table_says()
    {
        var shop = await NewShopAsync((250, 10));
        var consumer = await NewUserAsync();

        // order placed: reserved + q, no movement
        var order = await OrderAsync(consumer, shop, (0, 3));
        (await StockAsync(shop)).ShouldBe(new StockLevel(10, 3, 7));
        (await MovementsAsync(shop)).Count.ShouldBe(1);

        // order cancelled: reserved − q, no movement
        await (await CancelAsync(consumer.Client, Id(order))).ShouldHave(HttpStatusCode.OK);
        (await StockAsync(shop)).ShouldBe(new StockLevel(10, 0, 10));
        (await MovementsAsync(shop)).Count.ShouldBe(1);

        // pickup handed over: onHand − q, reserved − q, movement "sale"
        var paid = await PaidOrderAsync(consumer, shop, (0, 2));
        (await StockAsync(shop)).ShouldBe(new StockLevel(10, 2, 8));
        var code = await MakeReadyAsync(shop, consumer, Id(paid));
        await (await HandoverAsync(shop.Staff.Client, Id(paid), code)).ShouldHave(HttpStatusCode.OK);
        (await StockAsync(shop)).ShouldBe(new StockLevel(8, 0, 8));
        var sale = (await MovementsAsync(shop))[^1];
        sale.GetProperty("reason").GetString().ShouldBe("sale");
        sale.GetProperty("delta").GetInt64().ShouldBe(-2);
        sale.GetProperty("onHandAfter").GetInt64().ShouldBe(8);
        sale.GetProperty("reference").GetString().ShouldNotBeNullOrWhiteSpace();

        // POS sale: onHand − q, movement "pos_sale"
        await (await PosSaleAsync(shop, (0, 3))).ShouldHave(HttpStatusCode.Created);
        (await StockAsync(shop)).ShouldBe(new StockLevel(5, 0, 5));
        var pos = (await MovementsAsync(shop))[^1];
        pos.GetProperty("reason").GetString().ShouldBe("pos_sale");
        pos.GetProperty("delta").GetInt64().ShouldBe(-3);
        pos.GetProperty("onHandAfter").GetInt64().ShouldBe(5);
        pos.GetProperty("actor").GetString().ShouldBe(shop.Staff.Id.ToString());

        // the ledger adds up to on hand
        var ledger = await MovementsAsync(shop);
        ledger.Sum(m => m.GetProperty("delta").GetInt64()).ShouldBe(5);
        ledger.Select(m => m.GetProperty("at").GetDateTimeOffset()).ShouldBeInOrder(SortDirection.Ascending);
    }

    [Fact]
    public async Task Availability_lists_the_merchants_stores_with_stock_nearest_first_within_the_radius()
    {
        var merchant = await NewMerchantAsync();
        var product = await NewProductAsync(merchant);
        // ~1.1 km, ~2.2 km and ~3.3 km north of the centre, and one ~30 km away.
        var near = await NewStoreAsync(merchant, CentreLat + 0.01, CentreLng);
        var middle = await NewStoreAsync(merchant, CentreLat + 0.02, CentreLng);
        var empty = await NewStoreAsync(merchant, CentreLat + 0.03, CentreLng);
        var far = await NewStoreAsync(merchant, CentreLat + 0.27, CentreLng);
        await CountAsync(merchant.Owner.Client, near.Id, product.Id, 2);
        await CountAsync(merchant.Owner.Client, middle.Id, product.Id, 5);
        await CountAsync(merchant.Owner.Client, empty.Id, product.Id, 0);
        await CountAsync(merchant.Owner.Client, far.Id, product.Id, 9);

        var url = $"/api/v1/products/{product.Id}/availability?near={CentreLat},{CentreLng}&radiusKm=10";
        var items = (await (await Anonymous().GetAsync(url, Ct)).ShouldHave(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("storeId").GetGuid()).ShouldBe([near.Id, middle.Id]);
        items[0].GetProperty("available").GetInt64().ShouldBe(2);
        items[1].GetProperty("available").GetInt64().ShouldBe(5);
        items[0].GetProperty("storeName").GetString().ShouldNotBeNullOrWhiteSpace();
        items[0].GetProperty("distanceKm").GetDouble().ShouldBe(1.112, 0.01);
        items[1].GetProperty("distanceKm").GetDouble().ShouldBe(2.224, 0.01);

        // A reservation lowers availability; a store with nothing available drops out.
        var consumer = await NewUserAsync();
        await (await PlaceAsync(consumer, near.Id, [new Line(product.Id, 2)])).ShouldHave(HttpStatusCode.Created);
        var after = (await (await Anonymous().GetAsync(url, Ct)).ShouldHave(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        after.Select(i => i.GetProperty("storeId").GetGuid()).ShouldBe([middle.Id]);

        // The default radius is 5 km; a wider one reaches the far store.
        var wide = (await (await Anonymous().GetAsync($"/api/v1/products/{product.Id}/availability?near={CentreLat},{CentreLng}&radiusKm=50", Ct))
            .ShouldHave(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("storeId").GetGuid()).ToList();
        wide.ShouldBe([middle.Id, far.Id]);
        var byDefault = (await (await Anonymous().GetAsync($"/api/v1/products/{product.Id}/availability?near={CentreLat},{CentreLng}", Ct))
            .ShouldHave(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("storeId").GetGuid()).ToList();
        byDefault.ShouldBe([middle.Id]);
    }

    [Fact]
    public async Task Availability_of_an_unknown_product_is_not_found()
    {
        var response = await Anonymous().GetAsync($"/api/v1/products/{Guid.NewGuid()}/availability?near={CentreLat},{CentreLng}", Ct);
        await response.ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
    }
}

public sealed class CatalogueAndStockTests_Sqlite(SqliteApp app) : CatalogueAndStockTests(app);

public sealed class CatalogueAndStockTests_Postgres(PostgresApp app) : CatalogueAndStockTests(app);
