using System.Net;
using System.Text;
using System.Text.Json;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Acceptance;

/// <summary>API.md, "Conventions": the Idempotency-Key header on POST /orders, /orders/{id}/pay and /stores/{id}/pos/sales.</summary>
public abstract class IdempotencyTests(TandemApp app) : AcceptanceTest(app)
{
    [Fact]
    public async Task Retrying_an_order_with_the_same_key_and_body_returns_the_first_answer_and_reserves_once()
    {
        var shop = await NewShopAsync((100, 10));
        var consumer = await NewUserAsync();
        var key = NewKey();
        var lines = new[] { new Line(shop[0].Id, 2) };

        var first = await PlaceAsync(consumer, shop.Store.Id, lines, key);
        var firstBody = await first.ShouldHave(HttpStatusCode.Created);
        var again = await PlaceAsync(consumer, shop.Store.Id, lines, key);
        var againBody = await again.ShouldHave(HttpStatusCode.Created);

        againBody.GetRawText().ShouldBe(firstBody.GetRawText());
        (await StockAsync(shop)).Reserved.ShouldBe(2);
        (await MyOrdersAsync(consumer)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task The_first_answer_is_replayed_even_after_the_order_changed()
    {
        var shop = await NewShopAsync((100, 10));
        var consumer = await NewUserAsync();
        var key = NewKey();
        var lines = new[] { new Line(shop[0].Id, 1) };
        var first = await (await PlaceAsync(consumer, shop.Store.Id, lines, key)).ShouldHave(HttpStatusCode.Created);
        await (await PayAsync(consumer, Id(first))).ShouldHave(HttpStatusCode.OK);

        var replay = await (await PlaceAsync(consumer, shop.Store.Id, lines, key)).ShouldHave(HttpStatusCode.Created);
        Status(replay).ShouldBe("awaiting_payment");
        replay.GetRawText().ShouldBe(first.GetRawText());
        (await MyOrdersAsync(consumer)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_refusal_is_replayed_too_even_when_stock_has_arrived_since()
    {
        var shop = await NewShopAsync((100, 1));
        var consumer = await NewUserAsync();
        var key = NewKey();
        var lines = new[] { new Line(shop[0].Id, 3) };
        var first = await (await PlaceAsync(consumer, shop.Store.Id, lines, key)).ShouldBeProblem(HttpStatusCode.Conflict, "out_of_stock");

        await CountAsync(shop.Owner.Client, shop.Store.Id, shop[0].Id, 10);
        var replay = await (await PlaceAsync(consumer, shop.Store.Id, lines, key)).ShouldBeProblem(HttpStatusCode.Conflict, "out_of_stock");
        replay.GetRawText().ShouldBe(first.GetRawText());
        (await StockAsync(shop)).Reserved.ShouldBe(0);

        // A new key is a new request.
        await (await PlaceAsync(consumer, shop.Store.Id, lines, NewKey())).ShouldHave(HttpStatusCode.Created);
    }

    [Fact]
    public async Task The_same_key_with_a_different_body_is_refused()
    {
        var shop = await NewShopAsync((100, 10));
        var consumer = await NewUserAsync();
        var key = NewKey();
        await (await PlaceAsync(consumer, shop.Store.Id, [new Line(shop[0].Id, 1)], key)).ShouldHave(HttpStatusCode.Created);
        await (await PlaceAsync(consumer, shop.Store.Id, [new Line(shop[0].Id, 2)], key)).ShouldBeProblem(HttpStatusCode.Conflict, "idempotency_key_reused");
        (await StockAsync(shop)).Reserved.ShouldBe(1);
    }

    [Fact]
    public async Task Bodies_are_compared_after_parsing_so_whitespace_and_property_order_do_not_matter()
    {
        var shop = await NewShopAsync((100, 10));
        var consumer = await NewUserAsync();
        var key = NewKey();
        var compact = $"{{\"storeId\":\"{shop.Store.Id}\",\"lines\":[{{\"productId\":\"{shop[0].Id}\",\"quantity\":1}}],\"fulfillment\":{{\"type\":\"pickup\"}}}}";
        var spaced = $"{{ \"fulfillment\": {{ \"type\": \"pickup\" }},\n  \"lines\": [ {{ \"quantity\": 1, \"productId\": \"{shop[0].Id}\" }} ],\n  \"storeId\": \"{shop.Store.Id}\" }}";

        var first = await (await RawAsync(consumer.Client, "/api/v1/orders", compact, key)).ShouldHave(HttpStatusCode.Created);
        var second = await (await RawAsync(consumer.Client, "/api/v1/orders", spaced, key)).ShouldHave(HttpStatusCode.Created);
        Id(second).ShouldBe(Id(first));
        (await StockAsync(shop)).Reserved.ShouldBe(1);
    }

    [Fact]
    public async Task Keys_are_scoped_to_the_caller_and_the_route()
    {
        var shop = await NewShopAsync((100, 10));
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var key = NewKey();
        var lines = new[] { new Line(shop[0].Id, 1) };

        var hers = await (await PlaceAsync(alice, shop.Store.Id, lines, key)).ShouldHave(HttpStatusCode.Created);
        var his = await (await PlaceAsync(bob, shop.Store.Id, lines, key)).ShouldHave(HttpStatusCode.Created);
        Id(his).ShouldNotBe(Id(hers));

        // The same key on another route is another request.
        var payment = await (await PayAsync(alice, Id(hers), idempotencyKey: key)).ShouldHave(HttpStatusCode.OK);
        payment.GetProperty("status").GetString().ShouldBe("succeeded");
        (await StockAsync(shop)).Reserved.ShouldBe(2);
    }

    [Fact]
    public async Task Retrying_a_payment_with_its_key_pays_once_and_replays_the_answer()
    {
        var shop = await NewShopAsync((100, 10));
        var consumer = await NewUserAsync();
        var order = await OrderAsync(consumer, shop, (0, 1));
        var key = NewKey();

        var first = await (await PayAsync(consumer, Id(order), idempotencyKey: key)).ShouldHave(HttpStatusCode.OK);
        var second = await (await PayAsync(consumer, Id(order), idempotencyKey: key)).ShouldHave(HttpStatusCode.OK);
        second.GetRawText().ShouldBe(first.GetRawText());
        // Without the key the retry is a new request: the order is no longer awaiting payment.
        await (await PayAsync(consumer, Id(order))).ShouldBeProblem(HttpStatusCode.Conflict, "invalid_transition");
    }

    [Fact]
    public async Task Retrying_a_counter_sale_with_its_key_sells_once()
    {
        var shop = await NewShopAsync((100, 10));
        var key = NewKey();
        var lines = new object[] { new { productId = shop[0].Id, quantity = 2 } };
        var first = await (await PosSaleAsync(shop.Staff.Client, shop.Store.Id, lines, idempotencyKey: key)).ShouldHave(HttpStatusCode.Created);
        var second = await (await PosSaleAsync(shop.Staff.Client, shop.Store.Id, lines, idempotencyKey: key)).ShouldHave(HttpStatusCode.Created);
        second.GetProperty("saleId").GetString().ShouldBe(first.GetProperty("saleId").GetString());
        (await StockAsync(shop)).OnHand.ShouldBe(8);
        await (await PosSaleAsync(shop.Staff.Client, shop.Store.Id, [new { productId = shop[0].Id, quantity = 3 }], idempotencyKey: key))
            .ShouldBeProblem(HttpStatusCode.Conflict, "idempotency_key_reused");
        (await StockAsync(shop)).OnHand.ShouldBe(8);
    }

    [Fact]
    public async Task Concurrent_retries_with_one_key_create_one_order()
    {
        var shop = await NewShopAsync((100, 50));
        var consumer = await NewUserAsync();
        var key = NewKey();
        var lines = new[] { new Line(shop[0].Id, 1) };

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PlaceAsync(consumer, shop.Store.Id, lines, key)));

        var bodies = new List<JsonElement>();
        foreach (var response in responses)
        {
            if (response.StatusCode == HttpStatusCode.Conflict)
            {
                await response.ShouldBeProblem(HttpStatusCode.Conflict, "idempotency_key_in_use");
            }
            else
            {
                bodies.Add(await response.ShouldHave(HttpStatusCode.Created));
            }
        }

        bodies.ShouldNotBeEmpty();
        bodies.Select(Id).Distinct().Count().ShouldBe(1);
        (await StockAsync(shop)).Reserved.ShouldBe(1);
        (await MyOrdersAsync(consumer)).Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\tinside")]
    public async Task A_key_must_be_1_to_255_printable_ascii_characters(string key)
    {
        var shop = await NewShopAsync((100, 10));
        var consumer = await NewUserAsync();
        var body = $"{{\"storeId\":\"{shop.Store.Id}\",\"lines\":[{{\"productId\":\"{shop[0].Id}\",\"quantity\":1}}],\"fulfillment\":{{\"type\":\"pickup\"}}}}";
        var response = await RawAsync(consumer.Client, "/api/v1/orders", body, key);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync(Ct));
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        (await StockAsync(shop)).Reserved.ShouldBe(0);
    }

    [Fact]
    public async Task A_key_of_256_characters_is_too_long_and_255_is_fine()
    {
        var shop = await NewShopAsync((100, 10));
        var consumer = await NewUserAsync();
        var lines = new[] { new Line(shop[0].Id, 1) };
        var tooLong = await PlaceAsync(consumer, shop.Store.Id, lines, new string('k', 256) + "");
        tooLong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        await (await PlaceAsync(consumer, shop.Store.Id, lines, NewKey() + new string('k', 223))).ShouldHave(HttpStatusCode.Created);
    }

    private async Task<List<JsonElement>> MyOrdersAsync(TestUser consumer) =>
        [.. (await (await consumer.Client.GetAsync("/api/v1/me/orders", Ct)).ShouldHave(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()];

    private async Task<HttpResponseMessage> RawAsync(HttpClient client, string url, string body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (!request.Headers.TryAddWithoutValidation("Idempotency-Key", key))
        {
            throw new InvalidOperationException("The header could not be added.");
        }

        return await client.SendAsync(request, Ct);
    }
}

public sealed class IdempotencyTests_Sqlite(SqliteApp app) : IdempotencyTests(app);

public sealed class IdempotencyTests_Postgres(PostgresApp app) : IdempotencyTests(app);
