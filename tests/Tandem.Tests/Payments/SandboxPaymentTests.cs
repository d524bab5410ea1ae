using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Tandem.Payments.Sandbox;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Ordering;

namespace Tandem.Tests.Payments;

/// <summary>The sandbox provider and its signed callbacks: signatures, repeats, reordering, declines, delays and refunds.</summary>
public abstract class SandboxPaymentTests(TandemApp app) : ShopTest(app)
{
    private const string CallbackUrl = "/api/v1/payments/callbacks/sandbox";

    private static string Notification(Guid paymentId, Guid orderId, string status, long amount, string? notificationId = null) =>
        JsonSerializer.Serialize(new
        {
            notificationId = notificationId ?? $"test_{Guid.NewGuid():N}",
            paymentId,
            orderId,
            status,
            amount = new { amount, currency = "CNY" },
            occurredAt = DateTime.UtcNow,
        });

    private Task<HttpResponseMessage> PostCallbackAsync(string body, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, CallbackUrl) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.Add("X-Tandem-Signature", signature);
        }

        return Anonymous().SendAsync(request, Ct);
    }

    private static string Sign(string body) => SandboxSignature.Sign(TandemApp.SandboxSecret, Encoding.UTF8.GetBytes(body));

    private async Task<(TestShop Shop, TestUser Consumer, JsonElement Order, Guid PaymentId)> PendingPaymentAsync()
    {
        var shop = await NewShopAsync(products: 1);
        var consumer = await NewUserAsync();
        var order = await PlaceOkAsync(consumer, shop, (shop[0], 2));
        var pay = await (await PayAsync(consumer, IdOf(order), new { outcome = "delay" })).ShouldHave(HttpStatusCode.OK);
        pay.GetProperty("status").GetString().ShouldBe("pending");
        return (shop, consumer, order, pay.GetProperty("paymentId").GetGuid());
    }

    private Task<HttpResponseMessage> SettleAsync(TestUser consumer, Guid paymentId, object body) =>
        consumer.Client.PostAsJsonAsync($"/api/v1/payments/sandbox/{paymentId}/settle", body, Ct);

    [Fact]
    public async Task A_callback_with_a_missing_or_wrong_signature_is_refused_and_changes_nothing()
    {
        var (_, consumer, order, paymentId) = await PendingPaymentAsync();
        var body = Notification(paymentId, IdOf(order), "succeeded", order.GetProperty("total").GetProperty("amount").GetInt64());
        await (await PostCallbackAsync(body, null)).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
        await (await PostCallbackAsync(body, "sha256=" + new string('0', 64))).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
        await (await PostCallbackAsync(body, Sign(body + " "))).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
        await (await PostCallbackAsync(body, SandboxSignature.Sign("another secret", Encoding.UTF8.GetBytes(body))))
            .ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
        (await OrderAsync(consumer.Client, IdOf(order))).GetProperty("status").GetString().ShouldBe("awaiting_payment");

        // The same body, rightly signed, is what the provider would send.
        (await (await PostCallbackAsync(body, Sign(body))).ShouldHave(HttpStatusCode.OK)).GetProperty("result").GetString().ShouldBe("applied");
        (await OrderAsync(consumer.Client, IdOf(order))).GetProperty("status").GetString().ShouldBe("paid");
    }

    [Fact]
    public async Task A_repeated_notification_changes_nothing()
    {
        var (_, consumer, order, paymentId) = await PendingPaymentAsync();
        var amount = order.GetProperty("total").GetProperty("amount").GetInt64();
        var approve = Notification(paymentId, IdOf(order), "succeeded", amount, "ntf-repeat-1");
        (await (await PostCallbackAsync(approve, Sign(approve))).ShouldHave(HttpStatusCode.OK)).GetProperty("result").GetString().ShouldBe("applied");
        var paidAt = (await OrderAsync(consumer.Client, IdOf(order))).GetProperty("paidAt").GetString();
        (await (await PostCallbackAsync(approve, Sign(approve))).ShouldHave(HttpStatusCode.OK)).GetProperty("result").GetString().ShouldBe("duplicate");

        // A later, contradicting notification for a settled payment moves nothing backwards.
        var decline = Notification(paymentId, IdOf(order), "declined", amount);
        (await (await PostCallbackAsync(decline, Sign(decline))).ShouldHave(HttpStatusCode.OK)).GetProperty("result").GetString().ShouldBe("ignored");
        var after = await OrderAsync(consumer.Client, IdOf(order));
        after.GetProperty("status").GetString().ShouldBe("paid");
        after.GetProperty("paidAt").GetString().ShouldBe(paidAt);
        after.GetProperty("payment").GetProperty("status").GetString().ShouldBe("succeeded");
    }

    [Fact]
    public async Task Concurrent_repeats_of_one_approval_apply_it_once()
    {
        var (shop, consumer, order, paymentId) = await PendingPaymentAsync();
        var settled = await (await SettleAsync(consumer, paymentId, new { outcome = "approve", repeat = 5 })).ShouldHave(HttpStatusCode.OK);
        settled.GetProperty("status").GetString().ShouldBe("succeeded");
        var ledger = await (await consumer.Client.GetAsync($"/api/v1/payments/sandbox/{paymentId}", Ct)).ShouldHave(HttpStatusCode.OK);
        ledger.GetProperty("notifications").EnumerateArray().All(n => n.TryGetProperty("deliveredAt", out _)).ShouldBeTrue("every notification was delivered");
        (await OrderAsync(consumer.Client, IdOf(order))).GetProperty("status").GetString().ShouldBe("paid");
        (await MerchantOrdersAsync(shop, "paid")).Count.ShouldBe(1);
        await (await SettleAsync(consumer, paymentId, new { outcome = "decline" })).ShouldBeProblem(HttpStatusCode.Conflict, "already_settled");
    }

    [Fact]
    public async Task Notifications_out_of_order_end_with_the_order_paid()
    {
        var shop = await NewShopAsync(products: 1);
        var consumer = await NewUserAsync();
        var order = await PlaceOkAsync(consumer, shop, (shop[0], 1));
        var pay = await (await PayAsync(consumer, IdOf(order), new { outcome = "approve", reorder = true, repeat = 2 })).ShouldHave(HttpStatusCode.OK);
        pay.GetProperty("status").GetString().ShouldBe("succeeded");
        (await OrderAsync(consumer.Client, IdOf(order))).GetProperty("status").GetString().ShouldBe("paid");

        // Delivering everything again, newest first, leaves it paid.
        var paymentId = pay.GetProperty("paymentId").GetGuid();
        await (await consumer.Client.PostAsJsonAsync($"/api/v1/payments/sandbox/{paymentId}/redeliver", new { repeat = 3, reorder = true }, Ct))
            .ShouldHave(HttpStatusCode.OK);
        var after = await OrderAsync(consumer.Client, IdOf(order));
        after.GetProperty("status").GetString().ShouldBe("paid");
        after.GetProperty("payment").GetProperty("status").GetString().ShouldBe("succeeded");
    }

    [Fact]
    public async Task A_declined_payment_leaves_the_order_awaiting_payment_and_a_new_one_may_succeed()
    {
        var shop = await NewShopAsync(products: 1);
        var consumer = await NewUserAsync();
        var order = await PlaceOkAsync(consumer, shop, (shop[0], 1));
        var declined = await (await PayAsync(consumer, IdOf(order), new { outcome = "decline" })).ShouldHave(HttpStatusCode.OK);
        declined.GetProperty("status").GetString().ShouldBe("declined");
        var after = await OrderAsync(consumer.Client, IdOf(order));
        after.GetProperty("status").GetString().ShouldBe("awaiting_payment");
        after.GetProperty("payment").GetProperty("status").GetString().ShouldBe("declined");
        (await StockAsync(shop, shop[0].Id)).GetProperty("reserved").GetInt64().ShouldBe(1);

        var approved = await (await PayAsync(consumer, IdOf(order), new { outcome = "approve" })).ShouldHave(HttpStatusCode.OK);
        approved.GetProperty("status").GetString().ShouldBe("succeeded");
        approved.GetProperty("paymentId").GetGuid().ShouldNotBe(declined.GetProperty("paymentId").GetGuid());
        (await OrderAsync(consumer.Client, IdOf(order))).GetProperty("status").GetString().ShouldBe("paid");
    }

    [Fact]
    public async Task A_delayed_payment_is_pending_until_the_payer_approves_it()
    {
        var (_, consumer, order, paymentId) = await PendingPaymentAsync();
        var pending = await OrderAsync(consumer.Client, IdOf(order));
        pending.GetProperty("status").GetString().ShouldBe("awaiting_payment");
        pending.GetProperty("payment").GetProperty("status").GetString().ShouldBe("pending");
        var settled = await (await SettleAsync(consumer, paymentId, new { outcome = "approve", reorder = true })).ShouldHave(HttpStatusCode.OK);
        settled.GetProperty("status").GetString().ShouldBe("succeeded");
        (await OrderAsync(consumer.Client, IdOf(order))).GetProperty("status").GetString().ShouldBe("paid");
        await (await SettleAsync(await NewUserAsync(), paymentId, new { outcome = "approve" })).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task An_approval_for_a_cancelled_order_is_refunded()
    {
        var (shop, consumer, order, paymentId) = await PendingPaymentAsync();
        (await (await CancelAsync(consumer.Client, IdOf(order))).ShouldHave(HttpStatusCode.OK)).GetProperty("status").GetString().ShouldBe("cancelled");
        var settled = await (await SettleAsync(consumer, paymentId, new { outcome = "approve" })).ShouldHave(HttpStatusCode.OK);
        settled.GetProperty("status").GetString().ShouldBe("refunded");
        var after = await OrderAsync(consumer.Client, IdOf(order));
        after.GetProperty("status").GetString().ShouldBe("cancelled");
        after.GetProperty("payment").GetProperty("status").GetString().ShouldBe("refunded");
        var ledger = await (await consumer.Client.GetAsync($"/api/v1/payments/sandbox/{paymentId}", Ct)).ShouldHave(HttpStatusCode.OK);
        ledger.GetProperty("state").GetString().ShouldBe("refunded");
        ledger.GetProperty("refunds").GetArrayLength().ShouldBe(1);
        (await StockAsync(shop, shop[0].Id)).GetProperty("reserved").GetInt64().ShouldBe(0);
    }

    [Fact]
    public async Task A_notification_with_the_wrong_amount_changes_nothing()
    {
        var (_, consumer, order, paymentId) = await PendingPaymentAsync();
        var body = Notification(paymentId, IdOf(order), "succeeded", 1);
        await (await PostCallbackAsync(body, Sign(body))).ShouldBeProblem(HttpStatusCode.Conflict, "amount_mismatch");
        (await OrderAsync(consumer.Client, IdOf(order))).GetProperty("status").GetString().ShouldBe("awaiting_payment");
    }

    [Fact]
    public async Task A_signed_notification_about_an_unknown_payment_is_acknowledged_and_ignored()
    {
        var body = Notification(Guid.NewGuid(), Guid.NewGuid(), "succeeded", 100);
        (await (await PostCallbackAsync(body, Sign(body))).ShouldHave(HttpStatusCode.OK)).GetProperty("result").GetString().ShouldBe("ignored");
        var bad = "{\"notificationId\": \"x\"}";
        await (await PostCallbackAsync(bad, Sign(bad))).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Pay_validates_its_method_and_sandbox_controls()
    {
        var shop = await NewShopAsync(products: 1);
        var consumer = await NewUserAsync();
        var order = await PlaceOkAsync(consumer, shop, (shop[0], 1));
        await (await consumer.Client.PostAsJsonAsync($"/api/v1/orders/{IdOf(order)}/pay", new { method = "alipay" }, Ct))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await PayAsync(consumer, IdOf(order), new { outcome = "maybe" })).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await PayAsync(consumer, IdOf(order), new { repeat = 0 })).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await OrderAsync(consumer.Client, IdOf(order))).TryGetProperty("payment", out _).ShouldBeFalse();
    }
}

public sealed class SandboxPaymentTests_Sqlite(SqliteApp app) : SandboxPaymentTests(app);

public sealed class SandboxPaymentTests_Postgres(PostgresApp app) : SandboxPaymentTests(app);
