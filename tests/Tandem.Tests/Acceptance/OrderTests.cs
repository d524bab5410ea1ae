using System.Net;
using System.Net.Http.Json;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Acceptance;

/// <summary>API.md, "Orders": placing, reading, totals and who may see what.</summary>
public abstract class OrderTests(TandemApp app) : AcceptanceTest(app)
{
    [Fact]
    public async Task A_placed_order_awaits_payment_with_exact_totals_and_reserves_its_lines()
    {
        var shop = await NewShopAsync((1299, 10), (350, 5));
        var consumer = await NewUserAsync();

        var order = await OrderAsync(consumer, shop, (0, 3), (1, 2));

        Status(order).ShouldBe("awaiting_payment");
        order.GetProperty("orderId").GetString().ShouldNotBeNullOrWhiteSpace();
        order.GetProperty("merchantId").GetGuid().ShouldBe(shop.Merchant.Id);
        order.GetProperty("storeId").GetGuid().ShouldBe(shop.Store.Id);
        order.GetProperty("consumerId").GetGuid().ShouldBe(consumer.Id);
        order.GetProperty("fulfillment").GetProperty("type").GetString().ShouldBe("pickup");
        order.GetProperty("atRisk").GetBoolean().ShouldBeFalse();
        var lines = order.GetProperty("lines").EnumerateArray().ToList();
        lines.Count.ShouldBe(2);
        var first = lines.Single(l => l.GetProperty("productId").GetGuid() == shop[0].Id);
        first.GetProperty("name").GetString().ShouldBe(shop[0].Name);
        first.GetProperty("quantity").GetInt32().ShouldBe(3);
        Amount(first.GetProperty("unitPrice")).ShouldBe(1299);
        Amount(first.GetProperty("lineTotal")).ShouldBe(3897);
        var second = lines.Single(l => l.GetProperty("productId").GetGuid() == shop[1].Id);
        Amount(second.GetProperty("lineTotal")).ShouldBe(700);
        Amount(order.GetProperty("subtotal")).ShouldBe(4597);
        if (Has(order, "deliveryFee"))
        {
            Amount(order.GetProperty("deliveryFee")).ShouldBe(0);
        }

        Amount(order.GetProperty("total")).ShouldBe(4597);
        var created = order.GetProperty("createdAt").GetDateTimeOffset();
        created.Offset.ShouldBe(TimeSpan.Zero);
        order.GetProperty("reservationExpiresAt").GetDateTimeOffset().ShouldBeGreaterThan(created);
        foreach (var absent in new[] { "pickupCode", "paidAt", "acceptedAt", "readyAt", "completedAt", "cancelledAt", "cancelReason" })
        {
            Has(order, absent).ShouldBeFalse(absent);
        }

        (await StockAsync(shop, 0)).ShouldBe(new StockLevel(10, 3, 7));
        (await StockAsync(shop, 1)).ShouldBe(new StockLevel(5, 2, 3));
    }

    [Fact]
    public async Task An_order_is_refused_whole_naming_every_short_product_and_reserving_nothing()
    {
        var shop = await NewShopAsync((100, 2), (100, 5), (100, 1));
        var consumer = await NewUserAsync();

        var response = await PlaceAsync(consumer, shop, (0, 3), (1, 5), (2, 2));

        var problem = await response.ShouldBeProblem(HttpStatusCode.Conflict, "out_of_stock");
        problem.GetProperty("productIds").EnumerateArray().Select(e => e.GetGuid()).Order()
            .ShouldBe(new[] { shop[0].Id, shop[2].Id }.Order());
        (await StockAsync(shop, 0)).Reserved.ShouldBe(0);
        (await StockAsync(shop, 1)).Reserved.ShouldBe(0);
        (await StockAsync(shop, 2)).Reserved.ShouldBe(0);
        var mine = await (await consumer.Client.GetAsync("/api/v1/me/orders", Ct)).ShouldHave(HttpStatusCode.OK);
        mine.GetProperty("items").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Exactly_the_available_quantity_can_be_ordered_and_not_one_more()
    {
        var shop = await NewShopAsync((100, 4));
        var a = await NewUserAsync();
        var b = await NewUserAsync();
        await OrderAsync(a, shop, (0, 3));
        await (await PlaceAsync(b, shop, (0, 2))).ShouldBeProblem(HttpStatusCode.Conflict, "out_of_stock");
        await OrderAsync(b, shop, (0, 1));
        (await StockAsync(shop)).ShouldBe(new StockLevel(4, 4, 0));
        await (await PlaceAsync(b, shop, (0, 1))).ShouldBeProblem(HttpStatusCode.Conflict, "out_of_stock");
    }

    [Fact]
    public async Task Orders_for_unknown_stores_or_products_are_refused_by_name()
    {
        var shop = await NewShopAsync((100, 5));
        var other = await NewShopAsync((100, 5));
        var consumer = await NewUserAsync();

        await (await PlaceAsync(consumer, Guid.NewGuid(), [new Line(shop[0].Id, 1)])).ShouldBeProblem(HttpStatusCode.BadRequest, "unknown_store");
        await (await PlaceAsync(consumer, shop.Store.Id, [new Line(Guid.NewGuid(), 1)])).ShouldBeProblem(HttpStatusCode.BadRequest, "unknown_product");
        await (await PlaceAsync(consumer, shop.Store.Id, [new Line(other[0].Id, 1)])).ShouldBeProblem(HttpStatusCode.BadRequest, "product_of_another_merchant");
        await (await PlaceAsync(consumer, shop.Store.Id, [new Line(shop[0].Id, 1), new Line(shop[0].Id, 2)])).ShouldBeProblem(HttpStatusCode.BadRequest, "duplicate_line");
        (await StockAsync(shop)).Reserved.ShouldBe(0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1000)]
    public async Task A_quantity_outside_1_to_999_is_invalid(int quantity)
    {
        var shop = await NewShopAsync((100, 5));
        var consumer = await NewUserAsync();
        await (await PlaceAsync(consumer, shop.Store.Id, [new Line(shop[0].Id, quantity)])).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task An_order_has_between_1_and_100_lines()
    {
        var shop = await NewShopAsync((100, 5));
        var consumer = await NewUserAsync();
        await (await PlaceAsync(consumer, shop.Store.Id, [])).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        var tooMany = Enumerable.Range(0, 101).Select(_ => new Line(Guid.NewGuid(), 1));
        await (await PlaceAsync(consumer, shop.Store.Id, tooMany)).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Pickup_needs_a_store_that_offers_it()
    {
        var merchant = await NewMerchantAsync();
        var store = await NewStoreAsync(merchant, pickup: false, deliveryRadiusKm: 3);
        var product = await NewProductAsync(merchant);
        await CountAsync(merchant.Owner.Client, store.Id, product.Id, 5);
        var consumer = await NewUserAsync();
        await (await PlaceAsync(consumer, store.Id, [new Line(product.Id, 1)])).ShouldBeProblem(HttpStatusCode.BadRequest, "pickup_not_offered");
    }

    [Fact]
    public async Task Delivery_is_within_the_stores_radius_and_adds_its_fee_to_the_total()
    {
        var merchant = await NewMerchantAsync();
        var store = await NewStoreAsync(merchant, deliveryRadiusKm: 3, deliveryFee: 600);
        var product = await NewProductAsync(merchant, price: 1050);
        await CountAsync(merchant.Owner.Client, store.Id, product.Id, 5);
        var consumer = await NewUserAsync();

        var outside = new { type = "delivery", address = "上海市浦东新区", location = new { lat = CentreLat + 0.05, lng = CentreLng } };
        await (await PlaceAsync(consumer, store.Id, [new Line(product.Id, 1)], fulfillment: outside)).ShouldBeProblem(HttpStatusCode.BadRequest, "outside_delivery_area");

        var inside = new { type = "delivery", address = "上海市黄浦区南京东路 1 号", location = new { lat = CentreLat + 0.01, lng = CentreLng } };
        var order = await (await PlaceAsync(consumer, store.Id, [new Line(product.Id, 2)], fulfillment: inside)).ShouldHave(HttpStatusCode.Created);
        Amount(order.GetProperty("subtotal")).ShouldBe(2100);
        Amount(order.GetProperty("deliveryFee")).ShouldBe(600);
        Amount(order.GetProperty("total")).ShouldBe(2700);
        var fulfillment = order.GetProperty("fulfillment");
        fulfillment.GetProperty("type").GetString().ShouldBe("delivery");
        fulfillment.GetProperty("address").GetString().ShouldBe("上海市黄浦区南京东路 1 号");
        fulfillment.GetProperty("location").GetProperty("lat").GetDouble().ShouldBe(CentreLat + 0.01, 1e-9);

        var shop = new Shop(merchant, await AddStaffAsync(merchant), store, [product]);
        await (await PayAsync(consumer, Id(order))).ShouldHave(HttpStatusCode.OK);
        await (await StaffActionAsync(shop.Staff.Client, Id(order), "accept")).ShouldHave(HttpStatusCode.OK);
        var ready = await (await StaffActionAsync(shop.Staff.Client, Id(order), "ready")).ShouldHave(HttpStatusCode.OK);
        Status(ready).ShouldBe("ready_for_dispatch");
    }

    [Fact]
    public async Task Placing_an_order_needs_a_signed_in_consumer()
    {
        var shop = await NewShopAsync((100, 5));
        var response = await Anonymous().PostAsJsonAsync("/api/v1/orders", new { storeId = shop.Store.Id, lines = new[] { new { productId = shop[0].Id, quantity = 1 } }, fulfillment = new { type = "pickup" } }, Ct);
        await response.ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
        (await StockAsync(shop)).Reserved.ShouldBe(0);
    }

    [Fact]
    public async Task An_order_is_seen_by_its_consumer_and_the_merchants_staff_and_by_nobody_else()
    {
        var shop = await NewShopAsync((100, 5));
        var other = await NewShopAsync((100, 5));
        var consumer = await NewUserAsync();
        var stranger = await NewUserAsync();
        var order = await OrderAsync(consumer, shop, (0, 1));
        var url = $"/api/v1/orders/{Id(order)}";

        (await GetOrderAsync(consumer.Client, Id(order))).GetProperty("orderId").GetGuid().ShouldBe(Id(order));
        (await GetOrderAsync(shop.Staff.Client, Id(order))).GetProperty("orderId").GetGuid().ShouldBe(Id(order));
        (await GetOrderAsync(shop.Owner.Client, Id(order))).GetProperty("orderId").GetGuid().ShouldBe(Id(order));
        await (await stranger.Client.GetAsync(url, Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await other.Staff.Client.GetAsync(url, Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await other.Owner.Client.GetAsync(url, Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await Anonymous().GetAsync(url, Ct)).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
        await (await consumer.Client.GetAsync($"/api/v1/orders/{Guid.NewGuid()}", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task My_orders_are_mine_newest_first()
    {
        var shop = await NewShopAsync((100, 10));
        var consumer = await NewUserAsync();
        var someoneElse = await NewUserAsync();
        var first = await OrderAsync(consumer, shop, (0, 1));
        await OrderAsync(someoneElse, shop, (0, 1));
        var second = await OrderAsync(consumer, shop, (0, 2));

        var items = (await (await consumer.Client.GetAsync("/api/v1/me/orders", Ct)).ShouldHave(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        items.Select(Id).ShouldBe([Id(second), Id(first)]);
        items[0].GetProperty("lines").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task Staff_list_their_merchants_orders_newest_first_filtered_by_status_and_store()
    {
        var shop = await NewShopAsync((100, 10));
        var secondStore = await NewStoreAsync(shop.Merchant, CentreLat + 0.01, CentreLng);
        await CountAsync(shop.Owner.Client, secondStore.Id, shop[0].Id, 10);
        var other = await NewShopAsync((100, 10));
        var consumer = await NewUserAsync();

        var unpaid = await OrderAsync(consumer, shop, (0, 1));
        var paid = await PaidOrderAsync(consumer, shop, (0, 1));
        var elsewhere = await (await PlaceAsync(consumer, secondStore.Id, [new Line(shop[0].Id, 1)])).ShouldHave(HttpStatusCode.Created);
        await OrderAsync(consumer, other, (0, 1));

        var baseUrl = $"/api/v1/merchants/{shop.Merchant.Id}/orders";
        var all = (await (await shop.Staff.Client.GetAsync(baseUrl, Ct)).ShouldHave(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Select(Id).ToList();
        all.ShouldBe([Id(elsewhere), Id(paid), Id(unpaid)]);

        var paidOnly = (await (await shop.Staff.Client.GetAsync(baseUrl + "?status=paid", Ct)).ShouldHave(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Select(Id).ToList();
        paidOnly.ShouldBe([Id(paid)]);
        var atStore = (await (await shop.Staff.Client.GetAsync($"{baseUrl}?storeId={secondStore.Id}", Ct)).ShouldHave(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Select(Id).ToList();
        atStore.ShouldBe([Id(elsewhere)]);
        var both = (await (await shop.Staff.Client.GetAsync($"{baseUrl}?status=awaiting_payment&storeId={shop.Store.Id}", Ct)).ShouldHave(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Select(Id).ToList();
        both.ShouldBe([Id(unpaid)]);

        await (await other.Staff.Client.GetAsync(baseUrl, Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await consumer.Client.GetAsync(baseUrl, Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Paying_makes_the_order_paid_and_shows_the_pickup_code_to_its_consumer_only()
    {
        var shop = await NewShopAsync((1299, 5));
        var consumer = await NewUserAsync();
        var order = await OrderAsync(consumer, shop, (0, 2));

        var payment = await (await PayAsync(consumer, Id(order))).ShouldHave(HttpStatusCode.OK);
        payment.GetProperty("paymentId").GetString().ShouldNotBeNullOrWhiteSpace();
        payment.GetProperty("status").GetString().ShouldBe("succeeded");

        var mine = await GetOrderAsync(consumer.Client, Id(order));
        Status(mine).ShouldBe("paid");
        mine.GetProperty("paidAt").GetDateTimeOffset().Offset.ShouldBe(TimeSpan.Zero);
        mine.GetProperty("payment").GetProperty("paymentId").GetString().ShouldBe(payment.GetProperty("paymentId").GetString());
        mine.GetProperty("payment").GetProperty("status").GetString().ShouldBe("succeeded");
        mine.GetProperty("pickupCode").GetString().ShouldNotBeNull().ShouldMatch("^[0-9]{6}$");

        var staffView = await GetOrderAsync(shop.Staff.Client, Id(order));
        Status(staffView).ShouldBe("paid");
        Has(staffView, "pickupCode").ShouldBeFalse();
        Has(await GetOrderAsync(shop.Owner.Client, Id(order)), "pickupCode").ShouldBeFalse();
        var listed = (await (await shop.Staff.Client.GetAsync($"/api/v1/merchants/{shop.Merchant.Id}/orders", Ct)).ShouldHave(HttpStatusCode.OK)).GetProperty("items");
        listed.EnumerateArray().Any(o => Has(o, "pickupCode")).ShouldBeFalse();
        var accepted = await (await StaffActionAsync(shop.Staff.Client, Id(order), "accept")).ShouldHave(HttpStatusCode.OK);
        Has(accepted, "pickupCode").ShouldBeFalse();
        var ready = await (await StaffActionAsync(shop.Staff.Client, Id(order), "ready")).ShouldHave(HttpStatusCode.OK);
        Has(ready, "pickupCode").ShouldBeFalse();
        var myList = (await (await consumer.Client.GetAsync("/api/v1/me/orders", Ct)).ShouldHave(HttpStatusCode.OK)).GetProperty("items");
        myList[0].GetProperty("pickupCode").GetString().ShouldBe(mine.GetProperty("pickupCode").GetString());
    }

    [Fact]
    public async Task Only_its_consumer_pays_an_order_and_only_once()
    {
        var shop = await NewShopAsync((100, 5));
        var consumer = await NewUserAsync();
        var stranger = await NewUserAsync();
        var order = await OrderAsync(consumer, shop, (0, 1));

        await (await PayAsync(stranger, Id(order))).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await PayAsync(shop.Staff, Id(order))).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        Status(await GetOrderAsync(consumer.Client, Id(order))).ShouldBe("awaiting_payment");
        await (await PayAsync(consumer, Id(order))).ShouldHave(HttpStatusCode.OK);
        await (await PayAsync(consumer, Id(order))).ShouldBeProblem(HttpStatusCode.Conflict, "invalid_transition");
    }

    [Fact]
    public async Task Staff_move_a_paid_pickup_order_through_accepted_and_ready_to_completed()
    {
        var shop = await NewShopAsync((100, 5));
        var consumer = await NewUserAsync();
        var order = await PaidOrderAsync(consumer, shop, (0, 2));
        var id = Id(order);

        var accepted = await (await StaffActionAsync(shop.Staff.Client, id, "accept")).ShouldHave(HttpStatusCode.OK);
        Status(accepted).ShouldBe("accepted");
        Has(accepted, "acceptedAt").ShouldBeTrue();
        var ready = await (await StaffActionAsync(shop.Staff.Client, id, "ready")).ShouldHave(HttpStatusCode.OK);
        Status(ready).ShouldBe("ready_for_pickup");
        Has(ready, "readyAt").ShouldBeTrue();

        var code = (await GetOrderAsync(consumer.Client, id)).GetProperty("pickupCode").GetString()!;
        var completed = await (await HandoverAsync(shop.Staff.Client, id, code)).ShouldHave(HttpStatusCode.OK);
        Status(completed).ShouldBe("completed");
        Has(completed, "completedAt").ShouldBeTrue();
        Has(completed, "pickupCode").ShouldBeFalse();
        (await StockAsync(shop)).ShouldBe(new StockLevel(3, 0, 3));
    }

    [Fact]
    public async Task Illegal_transitions_are_refused_and_change_nothing()
    {
        var shop = await NewShopAsync((100, 10));
        var consumer = await NewUserAsync();

        var unpaid = await OrderAsync(consumer, shop, (0, 1));
        await (await StaffActionAsync(shop.Staff.Client, Id(unpaid), "accept")).ShouldBeProblem(HttpStatusCode.Conflict, "invalid_transition");
        await (await StaffActionAsync(shop.Staff.Client, Id(unpaid), "ready")).ShouldBeProblem(HttpStatusCode.Conflict, "invalid_transition");

        var paid = await PaidOrderAsync(consumer, shop, (0, 1));
        await (await StaffActionAsync(shop.Staff.Client, Id(paid), "ready")).ShouldBeProblem(HttpStatusCode.Conflict, "invalid_transition");
        var code = paid.GetProperty("pickupCode").GetString()!;
        await (await HandoverAsync(shop.Staff.Client, Id(paid), code)).ShouldBeProblem(HttpStatusCode.Conflict, "invalid_transition");
        await (await StaffActionAsync(shop.Staff.Client, Id(paid), "accept")).ShouldHave(HttpStatusCode.OK);
        await (await StaffActionAsync(shop.Staff.Client, Id(paid), "accept")).ShouldBeProblem(HttpStatusCode.Conflict, "invalid_transition");
        await (await HandoverAsync(shop.Staff.Client, Id(paid), code)).ShouldBeProblem(HttpStatusCode.Conflict, "invalid_transition");
        Status(await GetOrderAsync(consumer.Client, Id(paid))).ShouldBe("accepted");

        await (await StaffActionAsync(shop.Staff.Client, Id(paid), "ready")).ShouldHave(HttpStatusCode.OK);
        await (await HandoverAsync(shop.Staff.Client, Id(paid), code)).ShouldHave(HttpStatusCode.OK);
        await (await CancelAsync(shop.Staff.Client, Id(paid))).ShouldBeProblem(HttpStatusCode.Conflict, "invalid_transition");
        await (await StaffActionAsync(shop.Staff.Client, Id(paid), "ready")).ShouldBeProblem(HttpStatusCode.Conflict, "invalid_transition");
        Status(await GetOrderAsync(consumer.Client, Id(paid))).ShouldBe("completed");
        (await StockAsync(shop)).ShouldBe(new StockLevel(9, 1, 8));
    }

    [Fact]
    public async Task Staff_actions_belong_to_the_merchants_staff()
    {
        var shop = await NewShopAsync((100, 5));
        var other = await NewShopAsync((100, 5));
        var consumer = await NewUserAsync();
        var order = await PaidOrderAsync(consumer, shop, (0, 1));

        await (await StaffActionAsync(other.Staff.Client, Id(order), "accept")).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await StaffActionAsync(other.Owner.Client, Id(order), "accept")).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await CancelAsync(other.Staff.Client, Id(order))).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await Anonymous().PostAsJsonAsync($"/api/v1/orders/{Id(order)}/accept", new { }, Ct)).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
        var byConsumer = await StaffActionAsync(consumer.Client, Id(order), "accept");
        byConsumer.StatusCode.ShouldBeOneOf(HttpStatusCode.Forbidden, HttpStatusCode.NotFound);
        Status(await GetOrderAsync(consumer.Client, Id(order))).ShouldBe("paid");

        // Every role of the merchant may work orders.
        var manager = await AddStaffAsync(shop.Merchant, "manager");
        await (await StaffActionAsync(manager.Client, Id(order), "accept")).ShouldHave(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_consumer_cancels_before_acceptance_releasing_the_reservation_and_refunding_the_payment()
    {
        var shop = await NewShopAsync((100, 5));
        var consumer = await NewUserAsync();

        var unpaid = await OrderAsync(consumer, shop, (0, 2));
        var cancelled = await (await CancelAsync(consumer.Client, Id(unpaid), "买错了")).ShouldHave(HttpStatusCode.OK);
        Status(cancelled).ShouldBe("cancelled");
        cancelled.GetProperty("cancelReason").GetString().ShouldBe("买错了");
        Has(cancelled, "cancelledAt").ShouldBeTrue();
        (await StockAsync(shop)).ShouldBe(new StockLevel(5, 0, 5));

        var paid = await PaidOrderAsync(consumer, shop, (0, 3));
        var refunded = await (await CancelAsync(consumer.Client, Id(paid))).ShouldHave(HttpStatusCode.OK);
        Status(refunded).ShouldBe("cancelled");
        refunded.GetProperty("payment").GetProperty("status").GetString().ShouldBe("refunded");
        (await StockAsync(shop)).ShouldBe(new StockLevel(5, 0, 5));

        await (await CancelAsync(consumer.Client, Id(paid))).ShouldBeProblem(HttpStatusCode.Conflict, "invalid_transition");
        await (await PayAsync(consumer, Id(unpaid))).ShouldBeProblem(HttpStatusCode.Conflict, "invalid_transition");
    }

    [Fact]
    public async Task After_acceptance_only_staff_cancel_until_completion()
    {
        var shop = await NewShopAsync((100, 5));
        var consumer = await NewUserAsync();
        var order = await PaidOrderAsync(consumer, shop, (0, 2));
        await (await StaffActionAsync(shop.Staff.Client, Id(order), "accept")).ShouldHave(HttpStatusCode.OK);

        var byConsumer = await CancelAsync(consumer.Client, Id(order));
        byConsumer.StatusCode.ShouldBeOneOf(HttpStatusCode.Conflict, HttpStatusCode.Forbidden);
        Status(await GetOrderAsync(consumer.Client, Id(order))).ShouldBe("accepted");
        (await StockAsync(shop)).Reserved.ShouldBe(2);

        await (await StaffActionAsync(shop.Staff.Client, Id(order), "ready")).ShouldHave(HttpStatusCode.OK);
        var cancelled = await (await CancelAsync(shop.Staff.Client, Id(order), "缺货")).ShouldHave(HttpStatusCode.OK);
        Status(cancelled).ShouldBe("cancelled");
        cancelled.GetProperty("payment").GetProperty("status").GetString().ShouldBe("refunded");
        (await StockAsync(shop)).ShouldBe(new StockLevel(5, 0, 5));
        (await GetOrderAsync(consumer.Client, Id(order))).GetProperty("cancelReason").GetString().ShouldBe("缺货");
    }

    [Fact]
    public async Task A_consumer_cannot_cancel_someone_elses_order()
    {
        var shop = await NewShopAsync((100, 5));
        var consumer = await NewUserAsync();
        var stranger = await NewUserAsync();
        var order = await OrderAsync(consumer, shop, (0, 1));
        await (await CancelAsync(stranger.Client, Id(order))).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        Status(await GetOrderAsync(consumer.Client, Id(order))).ShouldBe("awaiting_payment");
    }

    [Fact]
    public async Task Malformed_order_bodies_are_problems_and_write_nothing()
    {
        var shop = await NewShopAsync((100, 5));
        var consumer = await NewUserAsync();
        await (await consumer.Client.PostRawAsync("/api/v1/orders", "{\"storeId\":")).ShouldBeProblem(HttpStatusCode.BadRequest, "invalid_json");
        var wrongType = $"{{\"storeId\":\"{shop.Store.Id}\",\"lines\":[{{\"productId\":\"{shop[0].Id}\",\"quantity\":\"2\"}}],\"fulfillment\":{{\"type\":\"pickup\"}}}}";
        var response = await consumer.Client.PostRawAsync("/api/v1/orders", wrongType);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var noLines = $"{{\"storeId\":\"{shop.Store.Id}\",\"fulfillment\":{{\"type\":\"pickup\"}}}}";
        await (await consumer.Client.PostRawAsync("/api/v1/orders", noLines)).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await StockAsync(shop)).Reserved.ShouldBe(0);
    }
}

public sealed class OrderTests_Sqlite(SqliteApp app) : OrderTests(app);

public sealed class OrderTests_Postgres(PostgresApp app) : OrderTests(app);
