using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Acceptance;

/// <summary>A merchant created through the API, with its owner.</summary>
public sealed record Merchant(Guid Id, TestUser Owner, string CreditCode);

/// <summary>A store created through the API.</summary>
public sealed record Store(Guid Id, Guid MerchantId, double Lat, double Lng);

/// <summary>A product created through the API; <see cref="Gtin14"/> is the stored form.</summary>
public sealed record Product(Guid Id, Guid MerchantId, string Name, long Price, string? Gtin14);

/// <summary>A merchant with a store, stocked products and a member of staff: the usual starting point.</summary>
public sealed record Shop(Merchant Merchant, TestUser Staff, Store Store, IReadOnlyList<Product> Products)
{
    public TestUser Owner => Merchant.Owner;

    public Product this[int index] => Products[index];
}

/// <summary>One line of an order or a counter sale.</summary>
public sealed record Line(Guid ProductId, int Quantity);

/// <summary>Stock as <c>GET /stores/{id}/stock/{productId}</c> answers it.</summary>
public sealed record StockLevel(long OnHand, long Reserved, long Available);

/// <summary>
/// Builds shops, places orders and reads stock through the public HTTP API only (API.md), so these
/// tests hold any implementation of the contract to it.
/// </summary>
public abstract class AcceptanceTest(TandemApp app) : ApiTest(app)
{
    private static int _codeCounter = RandomNumberGenerator.GetInt32(0, 10_000_000);
    private static int _gtinCounter = RandomNumberGenerator.GetInt32(0, 100_000_000);

    /// <summary>People's Square, Shanghai: stores are placed around it.</summary>
    protected const double CentreLat = 31.2304;
    protected const double CentreLng = 121.4737;

    // ---------- set-up through the API ----------

    protected async Task<Merchant> NewMerchantAsync(string name = "街角便利店")
    {
        var owner = await NewUserAsync("店主");
        var creditCode = NewCreditCode();
        var body = await (await owner.Client.PostAsJsonAsync("/api/v1/merchants", new { name, creditCode }, Ct)).ShouldHave(HttpStatusCode.Created);
        return new Merchant(body.GetProperty("merchantId").GetGuid(), owner, creditCode);
    }

    protected async Task<TestUser> AddStaffAsync(Merchant merchant, string role = "staff")
    {
        var user = await NewUserAsync(role == "manager" ? "店长" : "店员");
        await (await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/staff", new { phone = user.Phone, role }, Ct))
            .ShouldHave(HttpStatusCode.Created);
        return user;
    }

    protected async Task<Store> NewStoreAsync(
        Merchant merchant, double lat = CentreLat, double lng = CentreLng, bool pickup = true, double? deliveryRadiusKm = null, long deliveryFee = 500)
    {
        object? delivery = deliveryRadiusKm is { } r ? new { radiusKm = r, fee = Cny(deliveryFee) } : null;
        var body = await (await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/stores", new
        {
            name = "人民广场店",
            address = "上海市黄浦区人民大道 120 号",
            location = new { lat, lng },
            pickup,
            delivery,
        }, Ct)).ShouldHave(HttpStatusCode.Created);
        return new Store(body.GetProperty("storeId").GetGuid(), merchant.Id, lat, lng);
    }

    protected async Task<Product> NewProductAsync(Merchant merchant, long price = 1299, string? gtin = null, string name = "农夫山泉 550ml")
    {
        var body = await (await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/products",
            gtin is null ? new { name, price = Cny(price) } : (object)new { name, price = Cny(price), gtin }, Ct)).ShouldHave(HttpStatusCode.Created);
        return new Product(body.GetProperty("productId").GetGuid(), merchant.Id, name, price,
            body.TryGetProperty("gtin", out var g) && g.ValueKind == JsonValueKind.String ? g.GetString() : null);
    }

    /// <summary>A merchant, a store that offers pickup, a member of staff and products stocked at the store.</summary>
    protected async Task<Shop> NewShopAsync(params (long Price, int OnHand)[] products)
    {
        if (products.Length == 0)
        {
            products = [(1299, 10)];
        }

        var merchant = await NewMerchantAsync();
        var store = await NewStoreAsync(merchant);
        var staff = await AddStaffAsync(merchant);
        var created = new List<Product>();
        foreach (var (price, onHand) in products)
        {
            var product = await NewProductAsync(merchant, price, name: $"商品 {created.Count + 1}");
            await CountAsync(merchant.Owner.Client, store.Id, product.Id, onHand);
            created.Add(product);
        }

        return new Shop(merchant, staff, store, created);
    }

    // ---------- stock ----------

    protected async Task<StockLevel> CountAsync(HttpClient client, Guid storeId, Guid productId, long onHand) =>
        ReadStock(await (await client.PutAsJsonAsync($"/api/v1/stores/{storeId}/stock/{productId}", new { onHand }, Ct)).ShouldHave(HttpStatusCode.OK));

    protected async Task<StockLevel> StockAsync(HttpClient client, Guid storeId, Guid productId) =>
        ReadStock(await (await client.GetAsync($"/api/v1/stores/{storeId}/stock/{productId}", Ct)).ShouldHave(HttpStatusCode.OK));

    protected Task<StockLevel> StockAsync(Shop shop, int product = 0) => StockAsync(shop.Staff.Client, shop.Store.Id, shop[product].Id);

    protected async Task<IReadOnlyList<JsonElement>> MovementsAsync(HttpClient client, Guid storeId, Guid productId)
    {
        var items = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var url = $"/api/v1/stores/{storeId}/stock/{productId}/movements?limit=200" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var page = await (await client.GetAsync(url, Ct)).ShouldHave(HttpStatusCode.OK);
            items.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);

        return items;
    }

    protected Task<IReadOnlyList<JsonElement>> MovementsAsync(Shop shop, int product = 0) => MovementsAsync(shop.Staff.Client, shop.Store.Id, shop[product].Id);

    protected static StockLevel ReadStock(JsonElement body) =>
        new(body.GetProperty("onHand").GetInt64(), body.GetProperty("reserved").GetInt64(), body.GetProperty("available").GetInt64());

    // ---------- orders ----------

    protected Task<HttpResponseMessage> PlaceAsync(TestUser consumer, Guid storeId, IEnumerable<Line> lines, string? idempotencyKey = null, object? fulfillment = null) =>
        SendJsonAsync(consumer.Client, HttpMethod.Post, "/api/v1/orders", new
        {
            storeId,
            lines = lines.Select(l => new { productId = l.ProductId, quantity = l.Quantity }),
            fulfillment = fulfillment ?? new { type = "pickup" },
        }, idempotencyKey);

    protected Task<HttpResponseMessage> PlaceAsync(TestUser consumer, Shop shop, params (int Product, int Quantity)[] lines) =>
        PlaceAsync(consumer, shop.Store.Id, lines.Select(l => new Line(shop[l.Product].Id, l.Quantity)));

    /// <summary>Places a pickup order that must succeed; returns the order.</summary>
    protected async Task<JsonElement> OrderAsync(TestUser consumer, Shop shop, params (int Product, int Quantity)[] lines) =>
        await (await PlaceAsync(consumer, shop, lines.Length == 0 ? [(0, 1)] : lines)).ShouldHave(HttpStatusCode.Created);

    protected Task<HttpResponseMessage> PayAsync(TestUser consumer, Guid orderId, string? outcome = null, string? idempotencyKey = null) =>
        SendJsonAsync(consumer.Client, HttpMethod.Post, $"/api/v1/orders/{orderId}/pay",
            outcome is null ? new { method = "sandbox" } : (object)new { method = "sandbox", sandbox = new { outcome } }, idempotencyKey);

    /// <summary>Places and pays an order; returns the paid order as its consumer sees it.</summary>
    protected async Task<JsonElement> PaidOrderAsync(TestUser consumer, Shop shop, params (int Product, int Quantity)[] lines)
    {
        var order = await OrderAsync(consumer, shop, lines);
        var id = Id(order);
        var payment = await (await PayAsync(consumer, id)).ShouldHave(HttpStatusCode.OK);
        payment.GetProperty("status").GetString().ShouldBe("succeeded");
        return await GetOrderAsync(consumer.Client, id);
    }

    protected async Task<JsonElement> GetOrderAsync(HttpClient client, Guid orderId) =>
        await (await client.GetAsync($"/api/v1/orders/{orderId}", Ct)).ShouldHave(HttpStatusCode.OK);

    protected Task<HttpResponseMessage> StaffActionAsync(HttpClient client, Guid orderId, string action, object? body = null) =>
        client.PostAsJsonAsync($"/api/v1/orders/{orderId}/{action}", body ?? new { }, Ct);

    protected Task<HttpResponseMessage> CancelAsync(HttpClient client, Guid orderId, string reason = "changed my mind") =>
        client.PostAsJsonAsync($"/api/v1/orders/{orderId}/cancel", new { reason }, Ct);

    protected Task<HttpResponseMessage> HandoverAsync(HttpClient client, Guid orderId, string pickupCode) =>
        client.PostAsJsonAsync($"/api/v1/orders/{orderId}/handover", new { pickupCode }, Ct);

    /// <summary>Paid → accepted → ready for pickup, by staff; returns the pickup code the consumer sees.</summary>
    protected async Task<string> MakeReadyAsync(Shop shop, TestUser consumer, Guid orderId)
    {
        await (await StaffActionAsync(shop.Staff.Client, orderId, "accept")).ShouldHave(HttpStatusCode.OK);
        await (await StaffActionAsync(shop.Staff.Client, orderId, "ready")).ShouldHave(HttpStatusCode.OK);
        return (await GetOrderAsync(consumer.Client, orderId)).GetProperty("pickupCode").GetString()!;
    }

    // ---------- counter sales ----------

    protected Task<HttpResponseMessage> PosSaleAsync(HttpClient client, Guid storeId, IEnumerable<object> lines, string method = "cash", string? idempotencyKey = null) =>
        SendJsonAsync(client, HttpMethod.Post, $"/api/v1/stores/{storeId}/pos/sales", new { lines, payment = new { method } }, idempotencyKey);

    protected Task<HttpResponseMessage> PosSaleAsync(Shop shop, params (int Product, int Quantity)[] lines) =>
        PosSaleAsync(shop.Staff.Client, shop.Store.Id, lines.Select(l => (object)new { productId = shop[l.Product].Id, quantity = l.Quantity }));

    // ---------- sandbox payment callbacks ----------

    /// <summary>Posts a callback signed like the sandbox provider does (HMAC-SHA256 of the raw body).</summary>
    protected Task<HttpResponseMessage> CallbackAsync(string rawBody, string? signature = "valid")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/payments/callbacks/sandbox")
        {
            Content = new StringContent(rawBody, Encoding.UTF8, "application/json"),
        };
        if (signature == "valid")
        {
            request.Headers.Add("X-Tandem-Signature", Sign(rawBody));
        }
        else if (signature is not null)
        {
            request.Headers.Add("X-Tandem-Signature", signature);
        }

        return Anonymous().SendAsync(request, Ct);
    }

    protected static string Sign(string rawBody, string secret = TandemApp.SandboxSecret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(rawBody)));

    protected static string CallbackBody(Guid paymentId, Guid orderId, string status, long amount, string? notificationId = null) =>
        JsonSerializer.Serialize(new
        {
            notificationId = notificationId ?? Guid.NewGuid().ToString("N"),
            paymentId,
            orderId,
            status,
            amount = Cny(amount),
            occurredAt = TimeProvider.System.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        });

    // ---------- reading answers ----------

    protected static Guid Id(JsonElement order) => order.GetProperty("orderId").GetGuid();

    protected static string Status(JsonElement order) => order.GetProperty("status").GetString()!;

    protected static long Amount(JsonElement money)
    {
        money.GetProperty("currency").GetString().ShouldBe("CNY");
        return money.GetProperty("amount").GetInt64();
    }

    protected static bool Has(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null;

    protected static object Cny(long fen) => new { amount = fen, currency = "CNY" };

    protected async Task<HttpResponseMessage> SendJsonAsync(HttpClient client, HttpMethod method, string url, object body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return await client.SendAsync(request, Ct);
    }

    protected static string NewKey() => Guid.NewGuid().ToString("N");

    // ---------- valid identifiers ----------

    /// <summary>A fresh GTIN-13 (prefix 690, China) with the right check digit.</summary>
    protected static string NewGtin13()
    {
        var n = Interlocked.Increment(ref _gtinCounter) % 1_000_000_000;
        var body = "690" + n.ToString("000000000", CultureInfo.InvariantCulture);
        return body + GtinCheckDigit(body);
    }

    /// <summary>A fresh UPC-A (GTIN-12) with the right check digit.</summary>
    protected static string NewGtin12()
    {
        var n = Interlocked.Increment(ref _gtinCounter) % 1_000_000_000;
        var body = "07" + n.ToString("000000000", CultureInfo.InvariantCulture);
        return body + GtinCheckDigit(body);
    }

    protected static char GtinCheckDigit(string body)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var d = body[body.Length - 1 - i] - '0';
            sum += i % 2 == 0 ? d * 3 : d;
        }

        return (char)('0' + (10 - sum % 10) % 10);
    }

    private const string CreditCodeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] CreditCodeWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    private static readonly int[] OrganisationCodeWeights = [3, 7, 9, 10, 5, 8, 4, 2];

    /// <summary>
    /// A fresh unified social credit code (GB 32100-2015): "91" (enterprise), a Shanghai division code,
    /// an organisation code with its own GB 11714 check character, and the final check character.
    /// </summary>
    protected static string NewCreditCode()
    {
        var n = Interlocked.Increment(ref _codeCounter) % 100_000_000;
        var organisation = n.ToString("00000000", CultureInfo.InvariantCulture);
        var orgSum = organisation.Select((c, i) => (c - '0') * OrganisationCodeWeights[i]).Sum();
        var orgCheck = (11 - orgSum % 11) switch { 10 => 'X', 11 => '0', var d => (char)('0' + d) };
        var body = "91310000" + organisation + orgCheck;
        var sum = body.Select((c, i) => CreditCodeAlphabet.IndexOf(c) * CreditCodeWeights[i]).Sum();
        return body + CreditCodeAlphabet[(31 - sum % 31) % 31];
    }
}
