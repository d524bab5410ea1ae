using System.Net;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Acceptance;

/// <summary>API.md, "Orders": sandbox payments, their outcomes and signed callbacks.</summary>
public abstract class PaymentTests(TandemApp app) : AcceptanceTest(app)
{
    [Fact]
    public async Task A_declined_payment_leaves_the_order_awaiting_payment_and_it_can_be_paid_again()
    {
        var shop = await NewShopAsync((800, 5));
        var consumer = await NewUserAsync();
        var order = await OrderAsync(consumer, shop, (0, 1));

        var declined = await (await PayAsync(consumer, Id(order), "decline")).ShouldHave(HttpStatusCode.OK);
        declined.GetProperty("status").GetString().ShouldBe("declined");
        var after = await GetOrderAsync(consumer.Client, Id(order));
        Status(after).ShouldBe("awaiting_payment");
        Has(after, "pickupCode").ShouldBeFalse();
        Has(after, "paidAt").ShouldBeFalse();
        (await StockAsync(shop)).Reserved.ShouldBe(1);

        var approved = await (await PayAsync(consumer, Id(order), "approve")).ShouldHave(HttpStatusCode.OK);
        approved.GetProperty("status").GetString().ShouldBe("succeeded");
        approved.GetProperty("paymentId").GetString().ShouldNotBe(declined.GetProperty("paymentId").GetString());
        Status(await GetOrderAsync(consumer.Client, Id(order))).ShouldBe("paid");
    }

    [Fact]
    public async Task A_delayed_payment_is_pending_until_a_signed_callback_approves_it()
    {
        var shop = await NewShopAsync((800, 5));
        var consumer = await NewUserAsync();
        var order = await OrderAsync(consumer, shop, (0, 2));

        var pending = await (await PayAsync(consumer, Id(order), "delay")).ShouldHave(HttpStatusCode.OK);
        pending.GetProperty("status").GetString().ShouldBe("pending");
        var paymentId = pending.GetProperty("paymentId").GetGuid();
        var waiting = await GetOrderAsync(consumer.Client, Id(order));
        Status(waiting).ShouldBe("awaiting_payment");
        Has(waiting, "pickupCode").ShouldBeFalse();

        var body = CallbackBody(paymentId, Id(order), "succeeded", 1600);
        (await CallbackAsync(body)).IsSuccessStatusCode.ShouldBeTrue();

        var paid = await GetOrderAsync(consumer.Client, Id(order));
        Status(paid).ShouldBe("paid");
        paid.GetProperty("payment").GetProperty("paymentId").GetGuid().ShouldBe(paymentId);
        paid.GetProperty("payment").GetProperty("status").GetString().ShouldBe("succeeded");
        paid.GetProperty("pickupCode").GetString().ShouldNotBeNull().ShouldMatch("^[0-9]{6}$");
    }

    [Fact]
    public async Task A_callback_with_a_bad_or_missing_signature_is_unauthenticated_and_changes_nothing()
    {
        var shop = await NewShopAsync((800, 5));
        var consumer = await NewUserAsync();
        var order = await OrderAsync(consumer, shop, (0, 1));
        var pending = await (await PayAsync(consumer, Id(order), "delay")).ShouldHave(HttpStatusCode.OK);
        var body = CallbackBody(pending.GetProperty("paymentId").GetGuid(), Id(order), "succeeded", 800);

        (await CallbackAsync(body, signature: null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await CallbackAsync(body, signature: "sha256=" + new string('0', 64))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await CallbackAsync(body, signature: Sign(body, "not-the-secret"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await CallbackAsync(body, signature: "garbage")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        // Signed over a different body: the signature covers the raw bytes.
        (await CallbackAsync(body.Replace("\"succeeded\"", "\"succeeded\" ", StringComparison.Ordinal), signature: Sign(body))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        Status(await GetOrderAsync(consumer.Client, Id(order))).ShouldBe("awaiting_payment");
    }

    [Fact]
    public async Task A_repeated_notification_changes_nothing()
    {
        var shop = await NewShopAsync((800, 5));
        var consumer = await NewUserAsync();
        var order = await OrderAsync(consumer, shop, (0, 1));
        var pending = await (await PayAsync(consumer, Id(order), "delay")).ShouldHave(HttpStatusCode.OK);
        var paymentId = pending.GetProperty("paymentId").GetGuid();
        var notification = Guid.NewGuid().ToString("N");

        var approval = CallbackBody(paymentId, Id(order), "succeeded", 800, notification);
        (await CallbackAsync(approval)).IsSuccessStatusCode.ShouldBeTrue();
        var paid = await GetOrderAsync(consumer.Client, Id(order));
        Status(paid).ShouldBe("paid");

        // The same notification again, then a contradicting one that reuses its id: both are no-ops.
        (await CallbackAsync(approval)).IsSuccessStatusCode.ShouldBeTrue();
        var reused = CallbackBody(paymentId, Id(order), "declined", 800, notification);
        (await CallbackAsync(reused)).IsSuccessStatusCode.ShouldBeTrue();
        var after = await GetOrderAsync(consumer.Client, Id(order));
        Status(after).ShouldBe("paid");
        after.GetProperty("paidAt").GetString().ShouldBe(paid.GetProperty("paidAt").GetString());
        after.GetProperty("payment").GetProperty("status").GetString().ShouldBe("succeeded");
    }

    [Fact]
    public async Task An_approval_for_an_order_no_longer_awaiting_payment_is_refunded()
    {
        var shop = await NewShopAsync((800, 5));
        var consumer = await NewUserAsync();
        var order = await OrderAsync(consumer, shop, (0, 1));
        var pending = await (await PayAsync(consumer, Id(order), "delay")).ShouldHave(HttpStatusCode.OK);
        var paymentId = pending.GetProperty("paymentId").GetGuid();
        await (await CancelAsync(consumer.Client, Id(order))).ShouldHave(HttpStatusCode.OK);

        (await CallbackAsync(CallbackBody(paymentId, Id(order), "succeeded", 800))).IsSuccessStatusCode.ShouldBeTrue();

        var after = await GetOrderAsync(consumer.Client, Id(order));
        Status(after).ShouldBe("cancelled");
        Has(after, "paidAt").ShouldBeFalse();
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

    [Fact]
    public async Task A_declining_callback_leaves_the_order_awaiting_payment()
    {
        var shop = await NewShopAsync((800, 5));
        var consumer = await NewUserAsync();
        var order = await OrderAsync(consumer, shop, (0, 1));
        var pending = await (await PayAsync(consumer, Id(order), "delay")).ShouldHave(HttpStatusCode.OK);
        (await CallbackAsync(CallbackBody(pending.GetProperty("paymentId").GetGuid(), Id(order), "declined", 800))).IsSuccessStatusCode.ShouldBeTrue();
        var after = await GetOrderAsync(consumer.Client, Id(order));
        Status(after).ShouldBe("awaiting_payment");
        (await StockAsync(shop)).Reserved.ShouldBe(1);
    }
}

public sealed class PaymentTests_Sqlite(SqliteApp app) : PaymentTests(app);

public sealed class PaymentTests_Postgres(PostgresApp app) : PaymentTests(app);
