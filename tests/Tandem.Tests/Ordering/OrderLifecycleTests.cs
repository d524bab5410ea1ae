using System.Net;
using System.Net.Http.Json;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Ordering;

public abstract class OrderLifecycleTests(TandemApp app) : ShopTest(app)
{
    [Fact]
    public async Task With_auto_approve_the_order_is_paid_when_pay_returns()
    {
        var shop = await NewShopAsync(products: 1);
        var consumer = await NewUserAsync();
        var order = await PlaceOkAsync(consumer, shop, (shop[0], 2));
        var paid = await (await PayAsync(consumer, IdOf(order))).ShouldHave(HttpStatusCode.OK);
        paid.GetProperty("status").GetString().ShouldBe("succeeded");

        var after = await OrderAsync(consumer.Client, IdOf(order));
        after.GetProperty("status").GetString().ShouldBe("paid");
        after.GetProperty("paidAt").GetString()!.ShouldEndWith("Z");
        after.GetProperty("payment").GetProperty("paymentId").GetGuid().ShouldBe(paid.GetProperty("paymentId").GetGuid());
        after.GetProperty("payment").GetProperty("status").GetString().ShouldBe("succeeded");
        after.GetProperty("pickupCode").GetString()!.ShouldMatch("^[0-9]{6}$");
    }

    [Fact]
    public async Task An_order_goes_from_paid_to_accepted_to_ready_to_completed_and_its_stock_leaves_as_a_sale()
    {
        var shop = await NewShopAsync(products: 2, onHand: 10);
        var consumer = await NewUserAsync();
        var order = await PaidOrderAsync(consumer, shop, (shop[0], 3), (shop[1], 1));
        var accepted = await StaffActionAsync(shop, IdOf(order), "accept");
        accepted.GetProperty("status").GetString().ShouldBe("accepted");
        accepted.GetProperty("acceptedAt").GetString().ShouldNotBeNull();
        var ready = await StaffActionAsync(shop, IdOf(order), "ready");
        ready.GetProperty("status").GetString().ShouldBe("ready_for_pickup");

        var completed = await (await HandoverAsync(shop, IdOf(order), order.GetProperty("pickupCode").GetString()!)).ShouldHave(HttpStatusCode.OK);
        completed.GetProperty("status").GetString().ShouldBe("completed");
        completed.GetProperty("completedAt").GetString().ShouldNotBeNull();

        var stock = await StockAsync(shop, shop[0].Id);
        stock.GetProperty("onHand").GetInt64().ShouldBe(7);
        stock.GetProperty("reserved").GetInt64().ShouldBe(0);
        var sale = (await MovementsAsync(shop, shop[0].Id)).Last();
        sale.GetProperty("reason").GetString().ShouldBe("sale");
        sale.GetProperty("delta").GetInt64().ShouldBe(-3);
        sale.GetProperty("reference").GetString().ShouldBe($"order:{IdOf(order)}");
        sale.GetProperty("actor").GetGuid().ShouldBe(shop.Staff.Id);
        (await OrderAsync(consumer.Client, IdOf(order))).TryGetProperty("pickupCode", out _).ShouldBeFalse("a used code is no longer shown");
    }

    [Fact]
    public async Task A_delivery_order_becomes_ready_for_dispatch()
    {
        var shop = await NewShopAsync(products: 1, delivery: new { radiusKm = 3, fee = new { amount = 500, currency = "CNY" } });
        var consumer = await NewUserAsync();
        var placed = await (await consumer.Client.PostAsJsonAsync("/api/v1/orders", new
        {
            storeId = shop.StoreId,
            lines = Lines((shop[0], 1)),
            fulfillment = new { type = "delivery", address = "延安路 1 号", location = new { lat = Lat, lng = Lng } },
        }, Ct)).ShouldHave(HttpStatusCode.Created);
        (await (await PayAsync(consumer, IdOf(placed))).ShouldHave(HttpStatusCode.OK)).GetProperty("status").GetString().ShouldBe("succeeded");
        await StaffActionAsync(shop, IdOf(placed), "accept");
        (await StaffActionAsync(shop, IdOf(placed), "ready")).GetProperty("status").GetString().ShouldBe("ready_for_dispatch");
    }

    [Fact]
    public async Task Illegal_transitions_are_refused_with_invalid_transition()
    {
        var shop = await NewShopAsync(products: 1);
        var consumer = await NewUserAsync();
        var order = await PlaceOkAsync(consumer, shop, (shop[0], 1));
        var id = IdOf(order);
        await (await shop.Staff.Client.PostAsync($"/api/v1/orders/{id}/accept", null, Ct)).ShouldBeProblem(HttpStatusCode.Conflict, "invalid_transition");
        await (await shop.Staff.Client.PostAsync($"/api/v1/orders/{id}/ready", null, Ct)).ShouldBeProblem(HttpStatusCode.Conflict, "invalid_transition");
        await (await HandoverAsync(shop, id, "123456")).ShouldBeProblem(HttpStatusCode.Conflict, "invalid_transition");
        await (await PayAsync(consumer, id)).ShouldHave(HttpStatusCode.OK);
        await (await PayAsync(consumer, id)).ShouldBeProblem(HttpStatusCode.Conflict, "invalid_transition");
        await (await shop.Staff.Client.PostAsync($"/api/v1/orders/{id}/ready", null, Ct)).ShouldBeProblem(HttpStatusCode.Conflict, "invalid_transition");
        await StaffActionAsync(shop, id, "accept");
        await (await shop.Staff.Client.PostAsync($"/api/v1/orders/{id}/accept", null, Ct)).ShouldBeProblem(HttpStatusCode.Conflict, "invalid_transition");
    }

    [Fact]
    public async Task Only_staff_of_the_orders_merchant_work_the_order()
    {
        var shop = await NewShopAsync(products: 1);
        var consumer = await NewUserAsync();
        var id = IdOf(await PaidOrderAsync(consumer, shop, (shop[0], 1)));
        await (await consumer.Client.PostAsync($"/api/v1/orders/{id}/accept", null, Ct)).ShouldBeProblem(HttpStatusCode.Forbidden, "forbidden");
        var other = await NewShopAsync(products: 0);
        await (await other.Staff.Client.PostAsync($"/api/v1/orders/{id}/accept", null, Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await (await NewUserAsync()).Client.PostAsync($"/api/v1/orders/{id}/accept", null, Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await (await NewUserAsync()).Client.PostAsJsonAsync($"/api/v1/orders/{id}/pay", new { method = "sandbox" }, Ct))
            .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Five_wrong_pickup_codes_lock_the_handover()
    {
        var shop = await NewShopAsync(products: 1);
        var consumer = await NewUserAsync();
        var order = await ReadyOrderAsync(consumer, shop, (shop[0], 1));
        var code = order.GetProperty("pickupCode").GetString()!;
        var wrong = code == "000000" ? "000001" : "000000";
        for (var i = 1; i <= 5; i++)
        {
            var problem = await (await HandoverAsync(shop, IdOf(order), wrong)).ShouldBeProblem(HttpStatusCode.Conflict, "wrong_pickup_code");
            problem.GetProperty("attemptsLeft").GetInt32().ShouldBe(5 - i);
        }

        await (await HandoverAsync(shop, IdOf(order), code)).ShouldBeProblem(HttpStatusCode.Conflict, "pickup_code_locked");
        await (await shop.Staff.Client.PostAsJsonAsync($"/api/v1/stores/{shop.StoreId}/pickups", new { pickupCode = code }, Ct))
            .ShouldBeProblem(HttpStatusCode.Conflict, "pickup_code_locked");
        (await OrderAsync(consumer.Client, IdOf(order))).GetProperty("status").GetString().ShouldBe("ready_for_pickup");
        await (await HandoverAsync(shop, IdOf(order), "12345")).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task The_counter_can_hand_over_by_pickup_code_alone()
    {
        var shop = await NewShopAsync(products: 1);
        var consumer = await NewUserAsync();
        var order = await ReadyOrderAsync(consumer, shop, (shop[0], 2));
        var code = order.GetProperty("pickupCode").GetString()!;
        var other = await NewShopAsync(products: 0);
        await (await other.Staff.Client.PostAsJsonAsync($"/api/v1/stores/{other.StoreId}/pickups", new { pickupCode = code }, Ct))
            .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await other.Staff.Client.PostAsJsonAsync($"/api/v1/stores/{shop.StoreId}/pickups", new { pickupCode = code }, Ct))
            .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");

        var completed = await (await shop.Staff.Client.PostAsJsonAsync($"/api/v1/stores/{shop.StoreId}/pickups", new { pickupCode = code }, Ct))
            .ShouldHave(HttpStatusCode.OK);
        IdOf(completed).ShouldBe(IdOf(order));
        completed.GetProperty("status").GetString().ShouldBe("completed");
        await (await shop.Staff.Client.PostAsJsonAsync($"/api/v1/stores/{shop.StoreId}/pickups", new { pickupCode = code }, Ct))
            .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        (await StockAsync(shop, shop[0].Id)).GetProperty("onHand").GetInt64().ShouldBe(8);
    }

    [Fact]
    public async Task Pickup_codes_are_unique_among_a_stores_open_orders()
    {
        var shop = await NewShopAsync(products: 1, onHand: 100);
        var consumer = await NewUserAsync();
        var codes = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            codes.Add((await PaidOrderAsync(consumer, shop, (shop[0], 1))).GetProperty("pickupCode").GetString()!);
        }

        codes.Distinct().Count().ShouldBe(codes.Count);
    }

    [Fact]
    public async Task A_consumer_cancels_before_acceptance_and_gets_the_stock_released_and_the_money_back()
    {
        var shop = await NewShopAsync(products: 1, onHand: 5);
        var consumer = await NewUserAsync();
        var order = await PaidOrderAsync(consumer, shop, (shop[0], 2));
        var cancelled = await (await CancelAsync(consumer.Client, IdOf(order), "买错了")).ShouldHave(HttpStatusCode.OK);
        cancelled.GetProperty("status").GetString().ShouldBe("cancelled");
        cancelled.GetProperty("cancelReason").GetString().ShouldBe("买错了");
        cancelled.GetProperty("cancelledAt").GetString().ShouldNotBeNull();
        cancelled.GetProperty("payment").GetProperty("status").GetString().ShouldBe("refunded");
        cancelled.TryGetProperty("pickupCode", out _).ShouldBeFalse();
        (await StockAsync(shop, shop[0].Id)).GetProperty("reserved").GetInt64().ShouldBe(0);

        var paymentId = order.GetProperty("payment").GetProperty("paymentId").GetGuid();
        var ledger = await (await consumer.Client.GetAsync($"/api/v1/payments/sandbox/{paymentId}", Ct)).ShouldHave(HttpStatusCode.OK);
        ledger.GetProperty("state").GetString().ShouldBe("refunded");
        ledger.GetProperty("refunds").GetArrayLength().ShouldBe(1);
        ledger.GetProperty("refunded").GetProperty("amount").GetInt64().ShouldBe(order.GetProperty("total").GetProperty("amount").GetInt64());

        await (await CancelAsync(consumer.Client, IdOf(order))).ShouldBeProblem(HttpStatusCode.Conflict, "invalid_transition");
    }

    [Fact]
    public async Task An_unpaid_order_cancelled_by_its_consumer_releases_its_reservation()
    {
        var shop = await NewShopAsync(products: 1, onHand: 5);
        var consumer = await NewUserAsync();
        var order = await PlaceOkAsync(consumer, shop, (shop[0], 5));
        var cancelled = await (await consumer.Client.PostAsJsonAsync($"/api/v1/orders/{IdOf(order)}/cancel", new { }, Ct)).ShouldHave(HttpStatusCode.OK);
        cancelled.GetProperty("cancelReason").GetString().ShouldBe("cancelled_by_consumer");
        cancelled.TryGetProperty("payment", out _).ShouldBeFalse();
        (await StockAsync(shop, shop[0].Id)).GetProperty("available").GetInt64().ShouldBe(5);
        await PlaceOkAsync(await NewUserAsync(), shop, (shop[0], 5));
    }

    [Fact]
    public async Task After_acceptance_only_the_store_may_cancel()
    {
        var shop = await NewShopAsync(products: 1, onHand: 5);
        var consumer = await NewUserAsync();
        var order = await PaidOrderAsync(consumer, shop, (shop[0], 1));
        await StaffActionAsync(shop, IdOf(order), "accept");
        await (await CancelAsync(consumer.Client, IdOf(order))).ShouldBeProblem(HttpStatusCode.Conflict, "invalid_transition");
        await StaffActionAsync(shop, IdOf(order), "ready");
        var cancelled = await (await CancelAsync(shop.Staff.Client, IdOf(order), "商品损坏")).ShouldHave(HttpStatusCode.OK);
        cancelled.GetProperty("status").GetString().ShouldBe("cancelled");
        cancelled.GetProperty("payment").GetProperty("status").GetString().ShouldBe("refunded");
        (await StockAsync(shop, shop[0].Id)).GetProperty("reserved").GetInt64().ShouldBe(0);
        await (await CancelAsync((await NewUserAsync()).Client, IdOf(order))).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_completed_order_cannot_be_cancelled()
    {
        var shop = await NewShopAsync(products: 1);
        var consumer = await NewUserAsync();
        var order = await ReadyOrderAsync(consumer, shop, (shop[0], 1));
        await (await HandoverAsync(shop, IdOf(order), order.GetProperty("pickupCode").GetString()!)).ShouldHave(HttpStatusCode.OK);
        await (await CancelAsync(shop.Staff.Client, IdOf(order))).ShouldBeProblem(HttpStatusCode.Conflict, "invalid_transition");
    }

    [Fact]
    public async Task The_consumer_gets_a_pickup_QR_code_once_paid()
    {
        var shop = await NewShopAsync(products: 1);
        var consumer = await NewUserAsync();
        var placed = await PlaceOkAsync(consumer, shop, (shop[0], 1));
        await (await consumer.Client.GetAsync($"/api/v1/orders/{IdOf(placed)}/pickup-qr.svg", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await PayAsync(consumer, IdOf(placed))).ShouldHave(HttpStatusCode.OK);

        var svg = await consumer.Client.GetAsync($"/api/v1/orders/{IdOf(placed)}/pickup-qr.svg", Ct);
        svg.StatusCode.ShouldBe(HttpStatusCode.OK);
        svg.Content.Headers.ContentType!.MediaType.ShouldBe("image/svg+xml");
        (await svg.Content.ReadAsStringAsync(Ct)).ShouldContain("<svg");
        var png = await consumer.Client.GetAsync($"/api/v1/orders/{IdOf(placed)}/pickup-qr.png", Ct);
        png.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        (await png.Content.ReadAsByteArrayAsync(Ct)).Take(4).ShouldBe(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' });
        await (await shop.Staff.Client.GetAsync($"/api/v1/orders/{IdOf(placed)}/pickup-qr.png", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_counter_sale_that_leaves_stock_short_flags_the_newest_orders_until_a_count_covers_them()
    {
        var shop = await NewShopAsync(products: 2, onHand: 6);
        var oldest = await PaidOrderAsync(await NewUserAsync(), shop, (shop[0], 2));
        var middle = await PlaceOkAsync(await NewUserAsync(), shop, (shop[0], 2), (shop[1], 1));
        var newest = await PlaceOkAsync(await NewUserAsync(), shop, (shop[0], 1));

        // 6 on hand, 5 reserved; selling 3 at the counter leaves 3 on hand for 5 reserved: short by 2.
        await (await SellAtCounterAsync(shop, (shop[0], 3))).ShouldHave(HttpStatusCode.Created);
        async Task<bool> AtRisk(Guid id) => (await OrderAsync(shop.Staff.Client, id)).GetProperty("atRisk").GetBoolean();
        (await AtRisk(IdOf(newest))).ShouldBeTrue();
        (await AtRisk(IdOf(middle))).ShouldBeTrue();
        (await AtRisk(IdOf(oldest))).ShouldBeFalse();

        // Covered by one unit: only the newest stays at risk.
        await CountAsync(shop, shop[0].Id, 4);
        (await AtRisk(IdOf(newest))).ShouldBeTrue();
        (await AtRisk(IdOf(middle))).ShouldBeFalse();

        // Cancelling the newest covers the rest.
        await CountAsync(shop, shop[0].Id, 3);
        (await AtRisk(IdOf(middle))).ShouldBeTrue();
        await (await CancelAsync(shop.Staff.Client, IdOf(newest))).ShouldHave(HttpStatusCode.OK);
        (await AtRisk(IdOf(middle))).ShouldBeTrue("3 on hand for 4 reserved");
        await CountAsync(shop, shop[0].Id, 10);
        (await AtRisk(IdOf(middle))).ShouldBeFalse();
        (await AtRisk(IdOf(oldest))).ShouldBeFalse();
        (await OrderAsync(shop.Staff.Client, IdOf(newest))).GetProperty("atRisk").GetBoolean().ShouldBeFalse("closed orders are never at risk");
    }
}

public sealed class OrderLifecycleTests_Sqlite(SqliteApp app) : OrderLifecycleTests(app);

public sealed class OrderLifecycleTests_Postgres(PostgresApp app) : OrderLifecycleTests(app);
