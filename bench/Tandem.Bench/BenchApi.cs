using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tandem.Bench;

/// <summary>A signed-in user of the host under test.</summary>
public sealed record BenchUser(Guid Id, string Phone, string Token);

/// <summary>The public HTTP API (API.md) as the benchmarks use it: set-up calls and the measured calls.</summary>
public sealed class BenchApi : IDisposable
{
    private static int _phone = Random.Shared.Next(0, 50_000_000);
    private static int _code = Random.Shared.Next(0, 50_000_000);

    private readonly HttpClient _http;

    public BenchApi(Uri baseAddress, int maxConnections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            EnableMultipleHttp2Connections = true,
        };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public void Dispose() => _http.Dispose();

    public async Task<BenchUser> RegisterAsync(string displayName = "压测用户")
    {
        var phone = $"+86136{Interlocked.Increment(ref _phone) % 100_000_000:00000000}";
        using var response = await _http.PostAsJsonAsync("/api/v1/auth/register", new { phone, password = "bench password 1", displayName });
        var body = await ExpectAsync(response, HttpStatusCode.Created, "register");
        return new BenchUser(body.GetProperty("userId").GetGuid(), phone, body.GetProperty("accessToken").GetString()!);
    }

    public async Task<Guid> CreateMerchantAsync(BenchUser owner)
    {
        var body = await SendAsync(owner, HttpMethod.Post, "/api/v1/merchants", new { name = "压测商户", creditCode = NewCreditCode() }, HttpStatusCode.Created);
        return body.GetProperty("merchantId").GetGuid();
    }

    public async Task<Guid> CreateStoreAsync(BenchUser owner, Guid merchantId)
    {
        var body = await SendAsync(owner, HttpMethod.Post, $"/api/v1/merchants/{merchantId}/stores", new
        {
            name = "压测门店",
            address = "上海市黄浦区人民大道 120 号",
            location = new { lat = 31.2304, lng = 121.4737 },
            pickup = true,
            delivery = (object?)null,
        }, HttpStatusCode.Created);
        return body.GetProperty("storeId").GetGuid();
    }

    public async Task<Guid> CreateProductAsync(BenchUser owner, Guid merchantId, long priceFen, string name)
    {
        var body = await SendAsync(owner, HttpMethod.Post, $"/api/v1/merchants/{merchantId}/products",
            new { name, price = new { amount = priceFen, currency = "CNY" } }, HttpStatusCode.Created);
        return body.GetProperty("productId").GetGuid();
    }

    public Task<JsonElement> CountAsync(BenchUser staff, Guid storeId, Guid productId, long onHand) =>
        SendAsync(staff, HttpMethod.Put, $"/api/v1/stores/{storeId}/stock/{productId}", new { onHand }, HttpStatusCode.OK);

    public Task<JsonElement> StockAsync(BenchUser staff, Guid storeId, Guid productId) =>
        SendAsync(staff, HttpMethod.Get, $"/api/v1/stores/{storeId}/stock/{productId}", null, HttpStatusCode.OK);

    /// <summary>Places a pickup order, with an Idempotency-Key if one is given; returns the status and the body (order or problem).</summary>
    public Task<(HttpStatusCode Status, JsonElement Body)> PlaceOrderAsync(
        BenchUser consumer, Guid storeId, IEnumerable<(Guid ProductId, int Quantity)> lines, string? idempotencyKey = null) =>
        RawAsync(consumer, HttpMethod.Post, "/api/v1/orders", new
        {
            storeId,
            lines = lines.Select(l => new { productId = l.ProductId, quantity = l.Quantity }),
            fulfillment = new { type = "pickup" },
        }, idempotencyKey);

    public Task<(HttpStatusCode Status, JsonElement Body)> PayAsync(BenchUser consumer, Guid orderId, string? idempotencyKey = null) =>
        RawAsync(consumer, HttpMethod.Post, $"/api/v1/orders/{orderId}/pay", new { method = "sandbox" }, idempotencyKey);

    public async Task<JsonElement> SendAsync(BenchUser user, HttpMethod method, string url, object? body, HttpStatusCode expected)
    {
        using var request = Request(user, method, url, body);
        using var response = await _http.SendAsync(request);
        return await ExpectAsync(response, expected, $"{method} {url}");
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> RawAsync(BenchUser user, HttpMethod method, string url, object? body, string? idempotencyKey = null)
    {
        using var request = Request(user, method, url, body);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return (response.StatusCode, document.RootElement.Clone());
    }

    private static HttpRequestMessage Request(BenchUser user, HttpMethod method, string url, object? body)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    private static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{what}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        }

        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return document.RootElement.Clone();
    }

    private const string CreditCodeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] CreditCodeWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    private static readonly int[] OrganisationCodeWeights = [3, 7, 9, 10, 5, 8, 4, 2];

    /// <summary>A valid unified social credit code (GB 32100-2015) with a valid organisation code inside (GB 11714).</summary>
    private static string NewCreditCode()
    {
        var organisation = (Interlocked.Increment(ref _code) % 100_000_000).ToString("00000000", CultureInfo.InvariantCulture);
        var orgSum = organisation.Select((c, i) => (c - '0') * OrganisationCodeWeights[i]).Sum();
        var orgCheck = (11 - orgSum % 11) switch { 10 => 'X', 11 => '0', var d => (char)('0' + d) };
        var body = "91310000" + organisation + orgCheck;
        var sum = body.Select((c, i) => CreditCodeAlphabet.IndexOf(c) * CreditCodeWeights[i]).Sum();
        return body + CreditCodeAlphabet[(31 - sum % 31) % 31];
    }
}
