using System.Net;
using System.Net.Http.Json;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Ordering;

public abstract class PlaceOrderTests(TandemApp app) : ShopTest(app)
{
    [Fact]
    public async Task Placing_an_order_reserves_its_stock_and_awaits_payment()
    {
        var shop = await NewShopAsync(products: 2, onHand: 10, price: 1299);
        var consumer = await NewUserAsync();
        var response = await PlaceAsync(consumer, shop, (shop[0], 3), (shop[1], 1));
        var order = await response.ShouldHave(HttpStatusCode.Created);
        response.Headers.Location!.ToString().ShouldBe($"/api/v1/orders/{IdOf(order)}");

        order.GetProperty("status").GetString().ShouldBe("awaiting_payment");
        order.GetProperty("merchantId").GetGuid().ShouldBe(shop.Merchant.Id);
        order.GetProperty("storeId").GetGuid().ShouldBe(shop.StoreId);
        order.GetProperty("consumerId").GetGuid().ShouldBe(consumer.Id);
        var lines = order.GetProperty("lines").EnumerateArray().ToList();
        lines[0].GetProperty("name").GetString().ShouldBe("商品 1");
        lines[0].GetProperty("quantity").GetInt32().ShouldBe(3);
        lines[0].GetProperty("unitPrice").GetProperty("amount").GetInt64().ShouldBe(1299);
        lines[0].GetProperty("lineTotal").GetProperty("amount").GetInt64().ShouldBe(3897);
        lines[1].GetProperty("lineTotal").GetProperty("amount").GetInt64().ShouldBe(1399);
        order.GetProperty("subtotal").GetProperty("amount").GetInt64().ShouldBe(5296);
        order.GetProperty("total").GetProperty("amount").GetInt64().ShouldBe(5296);
        order.GetProperty("total").GetProperty("currency").GetString().ShouldBe("CNY");
        order.TryGetProperty("deliveryFee", out _).ShouldBeFalse();
        order.TryGetProperty("pickupCode", out _).ShouldBeFalse("the code is shown only once paid");
        order.TryGetProperty("payment", out _).ShouldBeFalse();
        order.GetProperty("atRisk").GetBoolean().ShouldBeFalse();
        order.GetProperty("fulfillment").GetProperty("type").GetString().ShouldBe("pickup");
        var created = order.GetProperty("createdAt").GetDateTime();
        order.GetProperty("createdAt").GetString()!.ShouldEndWith("Z");
        (order.GetProperty("reservationExpiresAt").GetDateTime() - created).ShouldBe(TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(1));

        (await StockAsync(shop, shop[0].Id)).GetProperty("reserved").GetInt64().ShouldBe(3);
        (await StockAsync(shop, shop[0].Id)).GetProperty("available").GetInt64().ShouldBe(7);
        (await StockAsync(shop, shop[1].Id)).GetProperty("reserved").GetInt64().ShouldBe(1);
        (await MovementsAsync(shop, shop[0].Id)).Count.ShouldBe(1, "a reservation does not change onHand");
    }

    [Fact]
    public async Task Placing_an_order_beyond_available_stock_is_refused_naming_every_short_product()
    {
        var shop = await NewShopAsync(products: 3, onHand: 2);
        var consumer = await NewUserAsync();
        var problem = await (await PlaceAsync(consumer, shop, (shop[0], 3), (shop[1], 2), (shop[2], 5)))
            .ShouldBeProblem(HttpStatusCode.Conflict, "out_of_stock");
        problem.GetProperty("productIds").EnumerateArray().Select(p => p.GetGuid()).ShouldBe([shop[0].Id, shop[2].Id], ignoreOrder: true);
        foreach (var product in shop.Products)
        {
            (await StockAsync(shop, product.Id)).GetProperty("reserved").GetInt64().ShouldBe(0, "all lines or none");
        }
    }

    [Fact]
    public async Task Reserved_stock_is_not_available_to_the_next_order()
    {
        var shop = await NewShopAsync(products: 1, onHand: 5);
        await PlaceOkAsync(await NewUserAsync(), shop, (shop[0], 4));
        await (await PlaceAsync(await NewUserAsync(), shop, (shop[0], 2))).ShouldBeProblem(HttpStatusCode.Conflict, "out_of_stock");
        await PlaceOkAsync(await NewUserAsync(), shop, (shop[0], 1));
    }

    [Theory]
    [InlineData(0, "lines[0].quantity")]
    [InlineData(1000, "lines[0].quantity")]
    [InlineData(-1, "lines[0].quantity")]
    public async Task Quantities_outside_1_to_999_are_refused(int quantity, string field)
    {
        var shop = await NewShopAsync(products: 1);
        var response = await (await NewUserAsync()).Client.PostAsJsonAsync("/api/v1/orders",
            new { storeId = shop.StoreId, lines = new[] { new { productId = shop[0].Id, quantity } }, fulfillment = new { type = Pickup } }, Ct);
        (await response.ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed")).GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public async Task An_order_has_1_to_100_lines(int count)
    {
        var shop = await NewShopAsync(products: 1);
        var lines = Enumerable.Range(0, count).Select(_ => new { productId = Guid.NewGuid(), quantity = 1 }).ToArray();
        var response = await (await NewUserAsync()).Client.PostAsJsonAsync("/api/v1/orders",
            new { storeId = shop.StoreId, lines, fulfillment = new { type = Pickup } }, Ct);
        (await response.ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed")).GetProperty("errors").TryGetProperty("lines", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Missing_fields_are_named()
    {
        var response = await (await NewUserAsync()).Client.PostRawAsync("/api/v1/orders", "{}");
        var errors = (await response.ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed")).GetProperty("errors");
        errors.TryGetProperty("storeId", out _).ShouldBeTrue();
        errors.TryGetProperty("lines", out _).ShouldBeTrue();
        errors.TryGetProperty("fulfillment", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Unknown_stores_and_products_and_other_merchants_products_are_refused()
    {
        var shop = await NewShopAsync(products: 1);
        var other = await NewShopAsync(products: 1);
        var consumer = await NewUserAsync();
        await (await consumer.Client.PostAsJsonAsync("/api/v1/orders",
                new { storeId = Guid.NewGuid(), lines = Lines((shop[0], 1)), fulfillment = new { type = Pickup } }, Ct))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "unknown_store");
        var unknown = await (await consumer.Client.PostAsJsonAsync("/api/v1/orders",
                new { storeId = shop.StoreId, lines = new[] { new { productId = Guid.NewGuid(), quantity = 1 } }, fulfillment = new { type = Pickup } }, Ct))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "unknown_product");
        unknown.GetProperty("productIds").GetArrayLength().ShouldBe(1);
        var foreign = await (await PlaceAsync(consumer, shop, (shop[0], 1), (other[0], 1)))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "product_of_another_merchant");
        foreign.GetProperty("productIds")[0].GetGuid().ShouldBe(other[0].Id);
        await (await PlaceAsync(consumer, shop, (shop[0], 1), (shop[0], 2))).ShouldBeProblem(HttpStatusCode.BadRequest, "duplicate_line");
        (await StockAsync(shop, shop[0].Id)).GetProperty("reserved").GetInt64().ShouldBe(0);
    }

    [Fact]
    public async Task A_pickup_order_needs_a_store_that_offers_pickup()
    {
        var merchant = await NewMerchantAsync();
        var store = await (await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/stores", new
        {
            name = "仅配送",
            address = "杭州市西湖区湖滨路 2 号",
            location = new { lat = Lat, lng = Lng },
            pickup = false,
            delivery = new { radiusKm = 3, fee = new { amount = 500, currency = "CNY" } },
        }, Ct)).ShouldHave(HttpStatusCode.Created);
        var product = await NewProductAsync(merchant);
        var consumer = await NewUserAsync();
        var response = await consumer.Client.PostAsJsonAsync("/api/v1/orders", new
        {
            storeId = store.GetProperty("storeId").GetGuid(),
            lines = new[] { new { productId = product.GetProperty("productId").GetGuid(), quantity = 1 } },
            fulfillment = new { type = Pickup },
        }, Ct);
        await response.ShouldBeProblem(HttpStatusCode.BadRequest, "pickup_not_offered");
    }

    [Fact]
    public async Task A_delivery_order_is_charged_the_store_fee_and_only_within_its_radius()
    {
        var shop = await NewShopAsync(products: 1, price: 2000, delivery: new { radiusKm = 3, fee = new { amount = 600, currency = "CNY" } });
        var consumer = await NewUserAsync();
        object Delivery(double lat) => new
        {
            storeId = shop.StoreId,
            lines = Lines((shop[0], 2)),
            fulfillment = new { type = "delivery", address = "杭州市上城区延安路 100 号", location = new { lat, lng = Lng } },
        };

        var order = await (await consumer.Client.PostAsJsonAsync("/api/v1/orders", Delivery(Lat + 0.01), Ct)).ShouldHave(HttpStatusCode.Created);
        order.GetProperty("subtotal").GetProperty("amount").GetInt64().ShouldBe(4000);
        order.GetProperty("deliveryFee").GetProperty("amount").GetInt64().ShouldBe(600);
        order.GetProperty("total").GetProperty("amount").GetInt64().ShouldBe(4600);
        var fulfillment = order.GetProperty("fulfillment");
        fulfillment.GetProperty("type").GetString().ShouldBe("delivery");
        fulfillment.GetProperty("address").GetString().ShouldBe("杭州市上城区延安路 100 号");
        fulfillment.GetProperty("location").GetProperty("lat").GetDouble().ShouldBe(Lat + 0.01);

        await (await consumer.Client.PostAsJsonAsync("/api/v1/orders", Delivery(Lat + 0.05), Ct))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "outside_delivery_area");

        var pickupOnly = await NewShopAsync(products: 1);
        var response = await consumer.Client.PostAsJsonAsync("/api/v1/orders", new
        {
            storeId = pickupOnly.StoreId,
            lines = Lines((pickupOnly[0], 1)),
            fulfillment = new { type = "delivery", address = "延安路 1 号", location = new { lat = Lat, lng = Lng } },
        }, Ct);
        await response.ShouldBeProblem(HttpStatusCode.BadRequest, "outside_delivery_area");
    }

    [Fact]
    public async Task An_order_is_visible_to_its_consumer_and_its_merchants_staff_only()
    {
        var shop = await NewShopAsync(products: 1);
        var consumer = await NewUserAsync();
        var order = await PaidOrderAsync(consumer, shop, (shop[0], 1));
        order.GetProperty("pickupCode").GetString()!.Length.ShouldBe(6);

        var asStaff = await OrderAsync(shop.Staff.Client, IdOf(order));
        asStaff.GetProperty("status").GetString().ShouldBe("paid");
        asStaff.TryGetProperty("pickupCode", out _).ShouldBeFalse("staff must be told the code");

        var other = await NewShopAsync(products: 0);
        await (await other.Staff.Client.GetAsync($"/api/v1/orders/{IdOf(order)}", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await (await NewUserAsync()).Client.GetAsync($"/api/v1/orders/{IdOf(order)}", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await Anonymous().GetAsync($"/api/v1/orders/{IdOf(order)}", Ct)).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task A_consumer_lists_their_orders_newest_first()
    {
        var shop = await NewShopAsync(products: 1, onHand: 20);
        var consumer = await NewUserAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(IdOf(await PlaceOkAsync(consumer, shop, (shop[0], 1))));
        }

        await PlaceOkAsync(await NewUserAsync(), shop, (shop[0], 1));
        var first = await (await consumer.Client.GetAsync("/api/v1/me/orders?limit=2", Ct)).ShouldHave(HttpStatusCode.OK);
        first.GetProperty("items").EnumerateArray().Select(IdOf).ShouldBe([ids[2], ids[1]]);
        var second = await (await consumer.Client.GetAsync($"/api/v1/me/orders?limit=2&cursor={first.GetProperty("nextCursor").GetString()}", Ct))
            .ShouldHave(HttpStatusCode.OK);
        second.GetProperty("items").EnumerateArray().Select(IdOf).ShouldBe([ids[0]]);
        second.TryGetProperty("nextCursor", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Staff_list_their_merchants_orders_by_status_and_store()
    {
        var shop = await NewShopAsync(products: 1, onHand: 20);
        var consumer = await NewUserAsync();
        var waiting = await PlaceOkAsync(consumer, shop, (shop[0], 1));
        var paid = await PaidOrderAsync(consumer, shop, (shop[0], 1));
        var elsewhere = await NewShopAsync(products: 1);
        await PlaceOkAsync(consumer, elsewhere, (elsewhere[0], 1));

        (await MerchantOrdersAsync(shop)).Select(IdOf).ShouldBe([IdOf(paid), IdOf(waiting)]);
        (await MerchantOrdersAsync(shop, "paid")).Select(IdOf).ShouldBe([IdOf(paid)]);
        var byStore = await (await shop.Staff.Client.GetAsync($"/api/v1/merchants/{shop.Merchant.Id}/orders?storeId={Guid.NewGuid()}", Ct))
            .ShouldHave(HttpStatusCode.OK);
        byStore.GetProperty("items").GetArrayLength().ShouldBe(0);
        await (await shop.Staff.Client.GetAsync($"/api/v1/merchants/{shop.Merchant.Id}/orders?status=lost", Ct))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await consumer.Client.GetAsync($"/api/v1/merchants/{shop.Merchant.Id}/orders", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
    }
}

public sealed class PlaceOrderTests_Sqlite(SqliteApp app) : PlaceOrderTests(app);

public sealed class PlaceOrderTests_Postgres(PostgresApp app) : PlaceOrderTests(app);
