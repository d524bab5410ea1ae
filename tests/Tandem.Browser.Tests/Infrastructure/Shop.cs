using System.Net;
using System.Text.Json;

namespace Tandem.Browser.Tests.Infrastructure;

public sealed record SeededProduct(Guid Id, string Name, string Gtin, long PriceFen);

/// <summary>A merchant with one store and some stocked products, made through the public API.</summary>
public sealed record Shop(SeededUser Owner, Guid MerchantId, Guid StoreId, string StoreName, IReadOnlyList<SeededProduct> Products);

public abstract partial class BrowserTest
{
    private static int _shopCounter;

    /// <summary>An owner, a merchant, a store near West Lake (pickup and delivery) and products with stock.</summary>
    protected async Task<Shop> NewShopAsync(params (string Name, long PriceFen, long OnHand)[] products)
    {
        var n = Interlocked.Increment(ref _shopCounter);
        var owner = await NewUserAsync("店主" + n);
        var merchant = await PostAsync(owner.Token, "/api/v1/merchants", new { name = $"湖滨杂货 {n}", creditCode = NewCreditCode() }, HttpStatusCode.Created);
        var merchantId = merchant.GetProperty("merchantId").GetGuid();
        var storeName = $"湖滨店 {n}";
        var store = await PostAsync(owner.Token, $"/api/v1/merchants/{merchantId}/stores", new
        {
            name = storeName,
            address = "杭州市上城区湖滨路 " + n + " 号",
            location = new { lat = 30.2741 + n * 0.0007, lng = 120.1551 + n * 0.0005 },
            pickup = true,
            delivery = new { radiusKm = 5, fee = new { amount = 500, currency = "CNY" } },
        }, HttpStatusCode.Created);
        var storeId = store.GetProperty("storeId").GetGuid();

        var seeded = new List<SeededProduct>();
        foreach (var (name, price, onHand) in products)
        {
            var gtin = NewGtin13();
            var product = await PostAsync(owner.Token, $"/api/v1/merchants/{merchantId}/products",
                new { name, price = new { amount = price, currency = "CNY" }, gtin }, HttpStatusCode.Created);
            var productId = product.GetProperty("productId").GetGuid();
            await PutAsync(owner.Token, $"/api/v1/stores/{storeId}/stock/{productId}", new { onHand });
            seeded.Add(new SeededProduct(productId, name, gtin, price));
        }

        return new Shop(owner, merchantId, storeId, storeName, seeded);
    }

    protected async Task<long> OnHandAsync(Shop shop, SeededProduct product)
    {
        JsonElement stock = await GetAsync(shop.Owner.Token, $"/api/v1/stores/{shop.StoreId}/stock/{product.Id}");
        return stock.GetProperty("onHand").GetInt64();
    }
}
