using System.Net;
using System.Text;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Ordering;

/// <summary>
/// A key past its retention is a new key, although the purge has not deleted its row yet: the new request's insert meets
/// the old row, which is then read, found expired, removed, and the request runs (docs/decisions/0006 and 0022).
/// </summary>
public abstract class KeyRetentionTests(TandemApp app) : ShopTest(app)
{
    private async Task<HttpResponseMessage> PlaceWithKeyAsync(HttpClient client, TestShop shop, string key)
    {
        var json = $$$"""{"storeId": "{{{shop.StoreId}}}", "lines": [{"productId": "{{{shop[0].Id}}}", "quantity": 1}], "fulfillment": {"type": "pickup"}}""";
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return await client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task A_key_past_its_retention_places_a_new_order_and_then_replays_that_one()
    {
        var shop = await NewShopAsync(products: 1, onHand: 10);
        var consumer = await NewUserAsync();
        var key = $"key-{Guid.NewGuid():N}";
        var first = await (await PlaceWithKeyAsync(consumer.Client, shop, key)).ShouldHave(HttpStatusCode.Created);

        await Task.Delay(KeyRetentionSettings.Retention + TimeSpan.FromMilliseconds(500), Ct);
        var again = await PlaceWithKeyAsync(consumer.Client, shop, key);
        again.Headers.Contains("Idempotent-Replayed").ShouldBeFalse();
        var second = await again.ShouldHave(HttpStatusCode.Created);
        IdOf(second).ShouldNotBe(IdOf(first));
        (await StockAsync(shop, shop[0].Id)).GetProperty("reserved").GetInt64().ShouldBe(2);

        // Within the new retention the key answers with the second order, once more without placing anything.
        var replay = await PlaceWithKeyAsync(consumer.Client, shop, key);
        replay.Headers.GetValues("Idempotent-Replayed").ShouldContain("true");
        IdOf(await replay.ShouldHave(HttpStatusCode.Created)).ShouldBe(IdOf(second));
        (await StockAsync(shop, shop[0].Id)).GetProperty("reserved").GetInt64().ShouldBe(2);
    }
}

/// <summary>Keys kept two seconds instead of a day.</summary>
internal static class KeyRetentionSettings
{
    public static readonly TimeSpan Retention = TimeSpan.FromSeconds(2);

    public static readonly KeyValuePair<string, string?>[] Settings = [new("Tandem:Idempotency:Retention", "00:00:02")];
}

/// <summary>A host of its own whose Idempotency-Keys are kept two seconds.</summary>
public sealed class KeyRetentionSqliteApp : SqliteApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => KeyRetentionSettings.Settings;
}

/// <inheritdoc cref="KeyRetentionSqliteApp"/>
public sealed class KeyRetentionPostgresApp : PostgresApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => KeyRetentionSettings.Settings;
}

public sealed class KeyRetentionTests_Sqlite(KeyRetentionSqliteApp app) : KeyRetentionTests(app), IClassFixture<KeyRetentionSqliteApp>;

public sealed class KeyRetentionTests_Postgres(KeyRetentionPostgresApp app) : KeyRetentionTests(app), IClassFixture<KeyRetentionPostgresApp>;
