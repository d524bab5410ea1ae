using System.Net;
using System.Text.Json;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Acceptance;

/// <summary>API.md, "Orders": unpaid orders expire after Tandem:Orders:PaymentTimeout and give their stock back.</summary>
public abstract class ExpiryTests(ShortTimeoutApp app) : AcceptanceTest(app)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task An_unpaid_order_expires_after_the_payment_timeout_and_releases_its_stock()
    {
        var shop = await NewShopAsync((100, 5));
        var consumer = await NewUserAsync();
        var order = await OrderAsync(consumer, shop, (0, 3));
        var created = order.GetProperty("createdAt").GetDateTimeOffset();
        var expires = order.GetProperty("reservationExpiresAt").GetDateTimeOffset();
        (expires - created).ShouldBe(ShortTimeoutApp.PaymentTimeout, TimeSpan.FromMilliseconds(500));
        (await StockAsync(shop)).Reserved.ShouldBe(3);

        var expired = await WaitForStatusAsync(consumer, Id(order), "cancelled");
        Has(expired, "cancelledAt").ShouldBeTrue();
        expired.GetProperty("cancelledAt").GetDateTimeOffset().ShouldBeGreaterThanOrEqualTo(expires);
        (await StockAsync(shop)).ShouldBe(new StockLevel(5, 0, 5));
        (await MovementsAsync(shop)).Count.ShouldBe(1, "an expiry releases a reservation; it moves nothing on hand");
    }

    [Fact]
    public async Task Paying_after_the_reservation_expired_is_refused_as_expired()
    {
        var shop = await NewShopAsync((100, 5));
        var consumer = await NewUserAsync();
        var order = await OrderAsync(consumer, shop, (0, 1));
        var expires = order.GetProperty("reservationExpiresAt").GetDateTimeOffset();
        var wait = expires - TimeProvider.System.GetUtcNow() + TimeSpan.FromMilliseconds(50);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, Ct);
        }

        await (await PayAsync(consumer, Id(order))).ShouldBeProblem(HttpStatusCode.Conflict, "order_expired");
        var after = await WaitForStatusAsync(consumer, Id(order), "cancelled");
        Has(after, "paidAt").ShouldBeFalse();
        (await StockAsync(shop)).Reserved.ShouldBe(0);
    }

    [Fact]
    public async Task A_paid_order_does_not_expire()
    {
        var shop = await NewShopAsync((100, 5));
        var consumer = await NewUserAsync();
        var order = await PaidOrderAsync(consumer, shop, (0, 2));
        await Task.Delay(ShortTimeoutApp.PaymentTimeout + TimeSpan.FromSeconds(1), Ct);
        Status(await GetOrderAsync(consumer.Client, Id(order))).ShouldBe("paid");
        (await StockAsync(shop)).Reserved.ShouldBe(2);
    }

    [Fact]
    public async Task A_late_approval_of_an_expired_order_is_refunded_and_the_order_stays_cancelled()
    {
        var shop = await NewShopAsync((100, 5));
        var consumer = await NewUserAsync();
        var order = await OrderAsync(consumer, shop, (0, 1));
        var pending = await (await PayAsync(consumer, Id(order), "delay")).ShouldHave(HttpStatusCode.OK);
        pending.GetProperty("status").GetString().ShouldBe("pending");
        await WaitForStatusAsync(consumer, Id(order), "cancelled");

        var paymentId = pending.GetProperty("paymentId").GetGuid();
        (await CallbackAsync(CallbackBody(paymentId, Id(order), "succeeded", 100))).IsSuccessStatusCode.ShouldBeTrue();

        var after = await GetOrderAsync(consumer.Client, Id(order));
        Status(after).ShouldBe("cancelled");
        Has(after, "pickupCode").ShouldBeFalse();
        if (Has(after, "payment") && after.GetProperty("payment").GetProperty("paymentId").GetGuid() == paymentId)
        {
            // The refund is confirmed by the provider's own (asynchronous) callback: refund_pending, then refunded.
            for (var i = 0; i < 60 && after.GetProperty("payment").GetProperty("status").GetString() == "refund_pending"; i++)
            {
                await Task.Delay(500, Ct);
                after = await GetOrderAsync(consumer.Client, Id(order));
            }

            after.GetProperty("payment").GetProperty("status").GetString().ShouldBe("refunded");
        }

        (await StockAsync(shop)).ShouldBe(new StockLevel(5, 0, 5));
    }

    private async Task<JsonElement> WaitForStatusAsync(TestUser consumer, Guid orderId, string status)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var order = await GetOrderAsync(consumer.Client, orderId);
            if (Status(order) == status)
            {
                return order;
            }

            TimeProvider.System.GetElapsedTime(started).ShouldBeLessThan(Patience, $"order {orderId} is still {Status(order)}");
            await Task.Delay(100, Ct);
        }
    }
}

public sealed class ExpiryTests_Sqlite(ShortTimeoutSqliteApp app) : ExpiryTests(app), IClassFixture<ShortTimeoutSqliteApp>;

public sealed class ExpiryTests_Postgres(ShortTimeoutPostgresApp app) : ExpiryTests(app), IClassFixture<ShortTimeoutPostgresApp>;
