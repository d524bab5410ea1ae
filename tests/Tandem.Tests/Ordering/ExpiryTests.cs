using System.Net;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Ordering;

/// <summary>Unpaid orders expire (here after two seconds); a paid order never does; late money goes back.</summary>
public abstract class ExpiryTests(TandemApp app) : ShopTest(app)
{
    private static readonly TimeSpan PastTimeout = ShortTimeoutSettings.PaymentTimeout + TimeSpan.FromMilliseconds(600);

    [Fact]
    public async Task An_unpaid_order_expires_and_its_stock_is_released()
    {
        var shop = await NewShopAsync(products: 1, onHand: 5);
        var consumer = await NewUserAsync();
        var order = await PlaceOkAsync(consumer, shop, (shop[0], 5));
        (await StockAsync(shop, shop[0].Id)).GetProperty("available").GetInt64().ShouldBe(0);

        var expired = await EventuallyAsync(() => OrderAsync(consumer.Client, IdOf(order)), o => o.GetProperty("status").GetString() == "cancelled");
        expired.GetProperty("cancelReason").GetString().ShouldBe("payment_timeout");
        expired.GetProperty("cancelledAt").GetDateTime().ShouldBeGreaterThanOrEqualTo(order.GetProperty("reservationExpiresAt").GetDateTime());
        (await StockAsync(shop, shop[0].Id)).GetProperty("available").GetInt64().ShouldBe(5);
        await PlaceOkAsync(await NewUserAsync(), shop, (shop[0], 5));
    }

    [Fact]
    public async Task Paying_after_the_reservation_expired_is_refused()
    {
        var shop = await NewShopAsync(products: 1, onHand: 5);
        var consumer = await NewUserAsync();
        var order = await PlaceOkAsync(consumer, shop, (shop[0], 2));
        await Task.Delay(PastTimeout, Ct);
        await (await PayAsync(consumer, IdOf(order))).ShouldBeProblem(HttpStatusCode.Conflict, "order_expired");
        var after = await OrderAsync(consumer.Client, IdOf(order));
        after.GetProperty("status").GetString().ShouldBe("cancelled");
        after.TryGetProperty("payment", out _).ShouldBeFalse();
        (await StockAsync(shop, shop[0].Id)).GetProperty("reserved").GetInt64().ShouldBe(0);
    }

    [Fact]
    public async Task A_paid_order_never_expires()
    {
        var shop = await NewShopAsync(products: 1, onHand: 5);
        var consumer = await NewUserAsync();
        var order = await PaidOrderAsync(consumer, shop, (shop[0], 2));
        await Task.Delay(PastTimeout + TimeSpan.FromSeconds(1), Ct);
        (await OrderAsync(consumer.Client, IdOf(order))).GetProperty("status").GetString().ShouldBe("paid");
        (await StockAsync(shop, shop[0].Id)).GetProperty("reserved").GetInt64().ShouldBe(2);
    }

    [Fact]
    public async Task Money_that_arrives_after_the_reservation_expired_is_refunded()
    {
        var shop = await NewShopAsync(products: 1, onHand: 5);
        var consumer = await NewUserAsync();
        var order = await PlaceOkAsync(consumer, shop, (shop[0], 2));
        var pay = await (await PayAsync(consumer, IdOf(order), new { outcome = "delay" })).ShouldHave(HttpStatusCode.OK);
        var paymentId = pay.GetProperty("paymentId").GetGuid();

        // The pending payment holds the order for its grace; then the order expires all the same.
        await Task.Delay(PastTimeout, Ct);
        (await OrderAsync(consumer.Client, IdOf(order))).GetProperty("status").GetString().ShouldBe("awaiting_payment");
        await EventuallyAsync(() => OrderAsync(consumer.Client, IdOf(order)), o => o.GetProperty("status").GetString() == "cancelled");

        var settled = await (await consumer.Client.PostAsync($"/api/v1/payments/sandbox/{paymentId}/settle",
            JsonContentOf(new { outcome = "approve" }), Ct)).ShouldHave(HttpStatusCode.OK);
        settled.GetProperty("status").GetString().ShouldBe("refunded");
        var after = await OrderAsync(consumer.Client, IdOf(order));
        after.GetProperty("status").GetString().ShouldBe("cancelled");
        after.GetProperty("cancelReason").GetString().ShouldBe("payment_timeout");
        after.GetProperty("payment").GetProperty("status").GetString().ShouldBe("refunded");
        (await StockAsync(shop, shop[0].Id)).GetProperty("reserved").GetInt64().ShouldBe(0);
    }

    [Fact]
    public async Task A_payment_started_in_time_may_complete_just_after_the_reservation_expired()
    {
        var shop = await NewShopAsync(products: 1, onHand: 5);
        var consumer = await NewUserAsync();
        var order = await PlaceOkAsync(consumer, shop, (shop[0], 2));
        await Task.Delay(ShortTimeoutSettings.PaymentTimeout - TimeSpan.FromMilliseconds(600), Ct);

        // The provider answers about half a second after the reservation ran out: within the grace.
        var pay = await (await PayAsync(consumer, IdOf(order), new { outcome = "approve", latencyMs = 1100 })).ShouldHave(HttpStatusCode.OK);
        pay.GetProperty("status").GetString().ShouldBe("succeeded");
        (await OrderAsync(consumer.Client, IdOf(order))).GetProperty("status").GetString().ShouldBe("paid");
        await (await PayAsync(consumer, IdOf(order))).ShouldBeProblem(HttpStatusCode.Conflict, "invalid_transition");
    }

    [Fact]
    public async Task Payments_racing_the_expiry_leave_every_order_paid_or_cancelled_never_both()
    {
        var shop = await NewShopAsync(products: 1, onHand: 200);
        var consumers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => NewUserAsync()));
        var orders = new List<(TestUser Consumer, Guid OrderId)>();
        foreach (var consumer in consumers)
        {
            for (var i = 0; i < 5; i++)
            {
                orders.Add((consumer, IdOf(await PlaceOkAsync(consumer, shop, (shop[0], 1)))));
            }
        }

        // Pay each close to its expiry, some a little before and some a little after.
        var started = DateTime.UtcNow;
        var answers = await Task.WhenAll(orders.Select(async (o, i) =>
        {
            await Task.Delay(ShortTimeoutSettings.PaymentTimeout - TimeSpan.FromMilliseconds(900) + TimeSpan.FromMilliseconds(i * 60), Ct);
            return await PayAsync(o.Consumer, o.OrderId);
        }));
        answers.ShouldAllBe(a => a.StatusCode == HttpStatusCode.OK || a.StatusCode == HttpStatusCode.Conflict);
        await Task.Delay(PastTimeout + TimeSpan.FromSeconds(2), Ct);

        long stillReserved = 0;
        foreach (var (consumer, orderId) in orders)
        {
            var order = await OrderAsync(consumer.Client, orderId);
            var status = order.GetProperty("status").GetString();
            var payment = order.TryGetProperty("payment", out var p) ? p.GetProperty("status").GetString() : null;
            if (status == "paid")
            {
                payment.ShouldBe("succeeded");
                stillReserved++;
            }
            else
            {
                status.ShouldBe("cancelled");
                order.GetProperty("cancelReason").GetString().ShouldBe("payment_timeout");
                payment.ShouldBeOneOf(null, "pending", "refund_pending", "refunded", "declined");
            }
        }

        (await StockAsync(shop, shop[0].Id)).GetProperty("reserved").GetInt64().ShouldBe(stillReserved);
        (DateTime.UtcNow - started).ShouldBeLessThan(TimeSpan.FromMinutes(2));
    }

    private static HttpContent JsonContentOf(object value) => System.Net.Http.Json.JsonContent.Create(value);
}

[Collection(ShortTimeoutSqlite.Name)]
public sealed class ExpiryTests_Sqlite(ShortTimeoutSqliteApp app) : ExpiryTests(app);

[Collection(ShortTimeoutPostgres.Name)]
public sealed class ExpiryTests_Postgres(ShortTimeoutPostgresApp app) : ExpiryTests(app);
