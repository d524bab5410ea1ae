using System.Net;
using System.Text;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Ordering;

/// <summary>API.md's Idempotency-Key contract on placing orders, paying and counter sales.</summary>
public abstract class IdempotencyTests(TandemApp app) : ShopTest(app)
{
    private static string NewKey() => $"key-{Guid.NewGuid():N}";

    private Task<HttpResponseMessage> PostWithKeyAsync(HttpClient client, string url, string json, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return client.SendAsync(request, Ct);
    }

    private static string OrderJson(TestShop shop, int quantity) =>
        $$$"""{"storeId": "{{{shop.StoreId}}}", "lines": [{"productId": "{{{shop[0].Id}}}", "quantity": {{{quantity}}}}], "fulfillment": {"type": "pickup"}}""";

    [Fact]
    public async Task A_retried_order_with_the_same_key_is_placed_once_and_answered_the_same()
    {
        var shop = await NewShopAsync(products: 1, onHand: 10);
        var consumer = await NewUserAsync();
        var key = NewKey();
        var first = await PostWithKeyAsync(consumer.Client, "/api/v1/orders", OrderJson(shop, 2), key);
        var firstBody = await first.Content.ReadAsStringAsync(Ct);
        first.StatusCode.ShouldBe(HttpStatusCode.Created, firstBody);

        // The same JSON written differently (order of keys, spacing) is the same request.
        var rewritten = $$$"""{ "fulfillment":{"type":"pickup"},"lines":[{"quantity":2,"productId":"{{{shop[0].Id}}}"}],"storeId":"{{{shop.StoreId}}}" }""";
        var second = await PostWithKeyAsync(consumer.Client, "/api/v1/orders", rewritten, key);
        second.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await second.Content.ReadAsStringAsync(Ct)).ShouldBe(firstBody);
        second.Headers.Location.ShouldBe(first.Headers.Location);
        second.Headers.GetValues("Idempotent-Replayed").ShouldContain("true");

        (await StockAsync(shop, shop[0].Id)).GetProperty("reserved").GetInt64().ShouldBe(2);
        (await MerchantOrdersAsync(shop)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task The_first_answer_is_replayed_even_after_the_order_changed()
    {
        var shop = await NewShopAsync(products: 1);
        var consumer = await NewUserAsync();
        var key = NewKey();
        var first = await (await PostWithKeyAsync(consumer.Client, "/api/v1/orders", OrderJson(shop, 1), key)).ShouldHave(HttpStatusCode.Created);
        await (await PayAsync(consumer, IdOf(first))).ShouldHave(HttpStatusCode.OK);
        var replay = await (await PostWithKeyAsync(consumer.Client, "/api/v1/orders", OrderJson(shop, 1), key)).ShouldHave(HttpStatusCode.Created);
        replay.GetProperty("status").GetString().ShouldBe("awaiting_payment");
    }

    [Fact]
    public async Task The_same_key_with_a_different_body_is_refused()
    {
        var shop = await NewShopAsync(products: 1);
        var consumer = await NewUserAsync();
        var key = NewKey();
        await (await PostWithKeyAsync(consumer.Client, "/api/v1/orders", OrderJson(shop, 1), key)).ShouldHave(HttpStatusCode.Created);
        await (await PostWithKeyAsync(consumer.Client, "/api/v1/orders", OrderJson(shop, 3), key))
            .ShouldBeProblem(HttpStatusCode.Conflict, "idempotency_key_reused");
        (await StockAsync(shop, shop[0].Id)).GetProperty("reserved").GetInt64().ShouldBe(1);
    }

    [Fact]
    public async Task A_refusal_is_replayed_too()
    {
        var shop = await NewShopAsync(products: 1, onHand: 1);
        var consumer = await NewUserAsync();
        var key = NewKey();
        await (await PostWithKeyAsync(consumer.Client, "/api/v1/orders", OrderJson(shop, 3), key)).ShouldBeProblem(HttpStatusCode.Conflict, "out_of_stock");
        await CountAsync(shop, shop[0].Id, 10);
        var replay = await PostWithKeyAsync(consumer.Client, "/api/v1/orders", OrderJson(shop, 3), key);
        await replay.ShouldBeProblem(HttpStatusCode.Conflict, "out_of_stock");
        (await StockAsync(shop, shop[0].Id)).GetProperty("reserved").GetInt64().ShouldBe(0);

        var invalidKey = NewKey();
        await (await PostWithKeyAsync(consumer.Client, "/api/v1/orders", "{}", invalidKey)).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await PostWithKeyAsync(consumer.Client, "/api/v1/orders", "{}", invalidKey)).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Keys_belong_to_one_caller_and_one_route()
    {
        var shop = await NewShopAsync(products: 1);
        var key = NewKey();
        var a = await (await PostWithKeyAsync((await NewUserAsync()).Client, "/api/v1/orders", OrderJson(shop, 1), key)).ShouldHave(HttpStatusCode.Created);
        var consumer = await NewUserAsync();
        var b = await (await PostWithKeyAsync(consumer.Client, "/api/v1/orders", OrderJson(shop, 1), key)).ShouldHave(HttpStatusCode.Created);
        IdOf(a).ShouldNotBe(IdOf(b));
        var paid = await PayAsync(consumer, IdOf(b), idempotencyKey: key);
        (await paid.ShouldHave(HttpStatusCode.OK)).GetProperty("status").GetString().ShouldBe("succeeded");
        (await StockAsync(shop, shop[0].Id)).GetProperty("reserved").GetInt64().ShouldBe(2);
    }

    [Fact]
    public async Task A_retried_payment_pays_once()
    {
        var shop = await NewShopAsync(products: 1);
        var consumer = await NewUserAsync();
        var order = await PlaceOkAsync(consumer, shop, (shop[0], 1));
        var key = NewKey();
        var first = await (await PayAsync(consumer, IdOf(order), idempotencyKey: key)).ShouldHave(HttpStatusCode.OK);
        var second = await (await PayAsync(consumer, IdOf(order), idempotencyKey: key)).ShouldHave(HttpStatusCode.OK);
        second.GetProperty("paymentId").GetGuid().ShouldBe(first.GetProperty("paymentId").GetGuid());
        second.GetProperty("status").GetString().ShouldBe("succeeded");
        await (await PayAsync(consumer, IdOf(order), idempotencyKey: NewKey())).ShouldBeProblem(HttpStatusCode.Conflict, "invalid_transition");
    }

    [Fact]
    public async Task Concurrent_payments_each_replay_their_own_final_answer()
    {
        // Final answers of payments are stored several to a transaction (FinalAnswers); approvals and declines mixed,
        // each retry must get its own request's answer, and the final one rather than the provisional "pending".
        const int Orders = 24;
        var shop = await NewShopAsync(products: 1, onHand: Orders);
        var consumer = await NewUserAsync();
        var orders = new List<Guid>();
        for (var i = 0; i < Orders; i++)
        {
            orders.Add(IdOf(await PlaceOkAsync(consumer, shop, (shop[0], 1))));
        }

        var attempts = orders.Select((id, i) => (OrderId: id, Key: NewKey(), Sandbox: new { outcome = i % 3 == 0 ? "decline" : "approve" })).ToList();
        var firsts = await Task.WhenAll(attempts.Select(async a =>
            await (await PayAsync(consumer, a.OrderId, a.Sandbox, a.Key)).ShouldHave(HttpStatusCode.OK)));
        var replays = await Task.WhenAll(attempts.Select(async a =>
        {
            using var replay = await PayAsync(consumer, a.OrderId, a.Sandbox, a.Key);
            replay.Headers.GetValues("Idempotent-Replayed").ShouldContain("true");
            return await replay.ShouldHave(HttpStatusCode.OK);
        }));

        for (var i = 0; i < Orders; i++)
        {
            firsts[i].GetProperty("status").GetString().ShouldBe(i % 3 == 0 ? "declined" : "succeeded");
            replays[i].GetProperty("paymentId").GetGuid().ShouldBe(firsts[i].GetProperty("paymentId").GetGuid());
            replays[i].GetProperty("status").GetString().ShouldBe(firsts[i].GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task A_retry_while_the_first_request_still_runs_is_told_so()
    {
        var shop = await NewShopAsync(products: 1);
        var consumer = await NewUserAsync();
        var order = await PlaceOkAsync(consumer, shop, (shop[0], 1));
        var key = NewKey();
        var slow = PayAsync(consumer, IdOf(order), new { outcome = "approve", latencyMs = 3000 }, key);
        await Task.Delay(1000, Ct);
        await (await PayAsync(consumer, IdOf(order), new { outcome = "approve", latencyMs = 3000 }, key))
            .ShouldBeProblem(HttpStatusCode.Conflict, "idempotency_key_in_use");
        var first = await (await slow).ShouldHave(HttpStatusCode.OK);
        first.GetProperty("status").GetString().ShouldBe("succeeded");
        var replay = await (await PayAsync(consumer, IdOf(order), new { outcome = "approve", latencyMs = 3000 }, key)).ShouldHave(HttpStatusCode.OK);
        replay.GetProperty("paymentId").GetGuid().ShouldBe(first.GetProperty("paymentId").GetGuid());
        replay.GetProperty("status").GetString().ShouldBe("succeeded");
    }

    [Fact]
    public async Task A_retried_counter_sale_takes_stock_once()
    {
        var shop = await NewShopAsync(products: 1, onHand: 10);
        var key = NewKey();
        var json = $$$"""{"lines": [{"productId": "{{{shop[0].Id}}}", "quantity": 4}], "payment": {"method": "cash"}}""";
        var first = await (await PostWithKeyAsync(shop.Staff.Client, $"/api/v1/stores/{shop.StoreId}/pos/sales", json, key)).ShouldHave(HttpStatusCode.Created);
        var second = await (await PostWithKeyAsync(shop.Staff.Client, $"/api/v1/stores/{shop.StoreId}/pos/sales", json, key)).ShouldHave(HttpStatusCode.Created);
        second.GetProperty("saleId").GetGuid().ShouldBe(first.GetProperty("saleId").GetGuid());
        (await StockAsync(shop, shop[0].Id)).GetProperty("onHand").GetInt64().ShouldBe(6);
    }

    [Fact]
    public async Task Concurrent_retries_of_one_counter_sale_take_stock_once()
    {
        var shop = await NewShopAsync(products: 1, onHand: 10);
        var key = NewKey();
        var json = $$$"""{"lines": [{"productId": "{{{shop[0].Id}}}", "quantity": 1}], "payment": {"method": "card"}}""";
        var answers = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(_ => PostWithKeyAsync(shop.Staff.Client, $"/api/v1/stores/{shop.StoreId}/pos/sales", json, key)));
        answers.ShouldAllBe(a => a.StatusCode == HttpStatusCode.Created || a.StatusCode == HttpStatusCode.Conflict);
        var saleIds = new HashSet<Guid>();
        foreach (var answer in answers.Where(a => a.StatusCode == HttpStatusCode.Created))
        {
            saleIds.Add((await answer.Json()).GetProperty("saleId").GetGuid());
        }

        saleIds.Count.ShouldBe(1);
        (await StockAsync(shop, shop[0].Id)).GetProperty("onHand").GetInt64().ShouldBe(9);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\tkey")]
    [InlineData(null)]
    public async Task A_malformed_key_is_refused(string? key)
    {
        var shop = await NewShopAsync(products: 1);
        var consumer = await NewUserAsync();
        var problem = await (await PostWithKeyAsync(consumer.Client, "/api/v1/orders", OrderJson(shop, 1), key ?? new string('k', 256)))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _).ShouldBeTrue();
        (await StockAsync(shop, shop[0].Id)).GetProperty("reserved").GetInt64().ShouldBe(0);
    }
}

public sealed class IdempotencyTests_Sqlite(SqliteApp app) : IdempotencyTests(app);

public sealed class IdempotencyTests_Postgres(PostgresApp app) : IdempotencyTests(app);
