using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Ordering;

/// <summary>
/// API.md: a retry with the same key does nothing twice, "safe with several hosts". The key is recorded in the order's
/// own transaction (decision 0006), so two servers racing with one key must still create one order: a retry on the
/// same host is told <c>idempotency_key_in_use</c>, one on the other host waits for the first and gets its answer.
/// </summary>
public sealed class TwoHostIdempotencyTests(TwoHostApp app) : ShopTest(app), IClassFixture<TwoHostApp>
{
    [Fact]
    public async Task One_key_sent_to_two_hosts_at_once_creates_one_order()
    {
        var shop = await NewShopAsync(products: 1, onHand: 50);
        var consumer = await NewUserAsync();
        using var onPeer = ((TwoHostApp)App).Peer.Anonymous();
        onPeer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", consumer.Token);
        var key = Guid.NewGuid().ToString("N");
        var body = new { storeId = shop.StoreId, lines = new[] { new { productId = shop[0].Id, quantity = 1 } }, fulfillment = new { type = "pickup" } };

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => PostAsync(i % 2 == 0 ? consumer.Client : onPeer, body, key)));

        var ids = new List<Guid>();
        foreach (var response in responses)
        {
            if (response.StatusCode == HttpStatusCode.Conflict)
            {
                await response.ShouldBeProblem(HttpStatusCode.Conflict, "idempotency_key_in_use");
            }
            else
            {
                ids.Add(IdOf(await response.ShouldHave(HttpStatusCode.Created)));
            }
        }

        ids.ShouldNotBeEmpty();
        ids.Distinct().Count().ShouldBe(1);
        (await StockAsync(shop, shop[0].Id)).GetProperty("reserved").GetInt64().ShouldBe(1);

        // Afterwards either host replays the one answer.
        foreach (var client in new[] { consumer.Client, onPeer })
        {
            var replay = await PostAsync(client, body, key);
            IdOf(await replay.ShouldHave(HttpStatusCode.Created)).ShouldBe(ids[0]);
            replay.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        }
    }

    private async Task<HttpResponseMessage> PostAsync(HttpClient client, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request, Ct);
    }
}
