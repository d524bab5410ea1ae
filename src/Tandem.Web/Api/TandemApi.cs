using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tandem.Web.Session;

namespace Tandem.Web.Api;

/// <summary>An error answer of the API, with its stable <c>code</c> and field errors.</summary>
public sealed class ApiException(ProblemJson problem) : Exception(problem.Detail ?? problem.Code ?? $"HTTP {problem.Status}")
{
    public ProblemJson Problem { get; } = problem;

    public string Code => Problem.Code ?? "error";

    public int Status => Problem.Status;
}

/// <summary>
/// Tandem's public HTTP API (API.md), called over loopback with the signed-in user's bearer token.
/// The web app uses only this client, exactly as a partner app would, so it never depends on module internals.
/// </summary>
public sealed partial class TandemApi(HttpClient http, WebSession session)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private string? _token;

    /// <summary>Calls with this token instead of the session's (the order hub acts for its caller).</summary>
    public void UseToken(string token) => _token = token;

    // --- Accounts
    public Task<TokenResult> RegisterAsync(string? phone, string? password, string? displayName, CancellationToken ct = default) =>
        SendAsync<TokenResult>(HttpMethod.Post, "auth/register", new { phone, password, displayName }, anonymous: true, ct: ct);

    public Task<TokenResult> LoginAsync(string? phone, string? password, CancellationToken ct = default) =>
        SendAsync<TokenResult>(HttpMethod.Post, "auth/login", new { phone, password }, anonymous: true, ct: ct);

    public Task<MeResult> MeAsync(CancellationToken ct = default) => GetAsync<MeResult>("me", ct);

    /// <summary><c>GET /me</c> with a token that is not (yet) in the session cookie.</summary>
    public Task<MeResult> MeAsync(string token, CancellationToken ct = default) =>
        SendAsync<MeResult>(HttpMethod.Get, "me", null, token: token, ct: ct);

    // --- Merchants and stores
    public Task<MerchantResult> CreateMerchantAsync(string? name, string? creditCode, CancellationToken ct = default) =>
        SendAsync<MerchantResult>(HttpMethod.Post, "merchants", new { name, creditCode }, ct: ct);

    public Task<MerchantResult> GetMerchantAsync(Guid merchantId, CancellationToken ct = default) =>
        GetAsync<MerchantResult>($"merchants/{merchantId}", ct);

    public Task<StaffResult> AddStaffAsync(Guid merchantId, string? phone, string? role, CancellationToken ct = default) =>
        SendAsync<StaffResult>(HttpMethod.Post, $"merchants/{merchantId}/staff", new { phone, role }, ct: ct);

    public Task<Page<StaffResult>> StaffAsync(Guid merchantId, CancellationToken ct = default) =>
        GetAsync<Page<StaffResult>>($"merchants/{merchantId}/staff", ct);

    public Task<StoreResult> CreateStoreAsync(Guid merchantId, object body, CancellationToken ct = default) =>
        SendAsync<StoreResult>(HttpMethod.Post, $"merchants/{merchantId}/stores", body, ct: ct);

    public Task<StoreResult> UpdateStoreAsync(Guid storeId, object body, CancellationToken ct = default) =>
        SendAsync<StoreResult>(HttpMethod.Patch, $"stores/{storeId}", body, ct: ct);

    public Task<Page<StoreResult>> MerchantStoresAsync(Guid merchantId, CancellationToken ct = default) =>
        GetAsync<Page<StoreResult>>($"merchants/{merchantId}/stores", ct);

    public Task<StoreResult> GetStoreAsync(Guid storeId, CancellationToken ct = default) =>
        GetAsync<StoreResult>($"stores/{storeId}", ct);

    public Task<Page<StoreResult>> NearbyStoresAsync(LocationJson near, double radiusKm, CancellationToken ct = default) =>
        GetAsync<Page<StoreResult>>($"stores?near={Near(near)}&radiusKm={radiusKm.ToString(CultureInfo.InvariantCulture)}", ct);

    // --- Catalogue
    public Task<ProductResult> CreateProductAsync(Guid merchantId, object body, CancellationToken ct = default) =>
        SendAsync<ProductResult>(HttpMethod.Post, $"merchants/{merchantId}/products", body, ct: ct);

    public Task<ProductResult> UpdateProductAsync(Guid productId, object body, CancellationToken ct = default) =>
        SendAsync<ProductResult>(HttpMethod.Put, $"products/{productId}", body, ct: ct);

    public Task<ProductResult> GetProductAsync(Guid productId, CancellationToken ct = default) =>
        GetAsync<ProductResult>($"products/{productId}", ct);

    public async Task<List<ProductResult>> MerchantProductsAsync(Guid merchantId, CancellationToken ct = default) =>
        await AllPagesAsync<ProductResult>($"merchants/{merchantId}/products", ct: ct);

    public Task<Page<AvailabilityResult>> AvailabilityAsync(Guid productId, LocationJson near, double radiusKm, CancellationToken ct = default) =>
        GetAsync<Page<AvailabilityResult>>($"products/{productId}/availability?near={Near(near)}&radiusKm={radiusKm.ToString(CultureInfo.InvariantCulture)}", ct);

    /// <summary>A store's shelf: its products with price and what is available now (public).</summary>
    public async Task<List<ShelfItem>> ShelfAsync(Guid storeId, CancellationToken ct = default) =>
        await AllPagesAsync<ShelfItem>($"stores/{storeId}/products", ct: ct);

    /// <summary>Products matching <paramref name="query"/> and the nearby stores that have them (public).</summary>
    public Task<Page<ProductHit>> SearchProductsAsync(string query, LocationJson near, double radiusKm, CancellationToken ct = default) =>
        GetAsync<Page<ProductHit>>($"products/search?q={Uri.EscapeDataString(query)}&near={Near(near)}&radiusKm={radiusKm.ToString(CultureInfo.InvariantCulture)}", ct);

    // --- Stock
    public async Task<List<StockListItem>> StoreStockAsync(Guid storeId, CancellationToken ct = default) =>
        await AllPagesAsync<StockListItem>($"stores/{storeId}/stock", ct: ct);

    public Task<StockResult> StockAsync(Guid storeId, Guid productId, CancellationToken ct = default) =>
        GetAsync<StockResult>($"stores/{storeId}/stock/{productId}", ct);

    public Task<ImportResult> ImportCatalogueAsync(Guid merchantId, object body, CancellationToken ct = default) =>
        SendAsync<ImportResult>(HttpMethod.Post, $"merchants/{merchantId}/catalogue/import", body, ct: ct);

    public Task<StockResult> CountStockAsync(Guid storeId, Guid productId, long? onHand, CancellationToken ct = default) =>
        SendAsync<StockResult>(HttpMethod.Put, $"stores/{storeId}/stock/{productId}", new { onHand }, ct: ct);

    public Task<StockResult> AdjustStockAsync(Guid storeId, Guid productId, long? delta, string reason, CancellationToken ct = default) =>
        SendAsync<StockResult>(HttpMethod.Post, $"stores/{storeId}/stock/{productId}/adjustments", new { delta, reason }, ct: ct);

    public Task<Page<MovementResult>> MovementsAsync(Guid storeId, Guid productId, CancellationToken ct = default) =>
        GetAsync<Page<MovementResult>>($"stores/{storeId}/stock/{productId}/movements", ct);

    // --- Orders
    public Task<OrderResult> PlaceOrderAsync(object body, string idempotencyKey, CancellationToken ct = default) =>
        SendAsync<OrderResult>(HttpMethod.Post, "orders", body, idempotencyKey: idempotencyKey, ct: ct);

    public Task<OrderResult> GetOrderAsync(Guid orderId, CancellationToken ct = default) =>
        GetAsync<OrderResult>($"orders/{orderId}", ct);

    public Task<Page<OrderResult>> MyOrdersAsync(CancellationToken ct = default) => GetAsync<Page<OrderResult>>("me/orders", ct);

    public Task<Page<OrderResult>> MerchantOrdersAsync(Guid merchantId, Guid? storeId, string? status = null, CancellationToken ct = default)
    {
        var query = new List<string>();
        if (storeId is not null)
        {
            query.Add($"storeId={storeId}");
        }

        if (status is not null)
        {
            query.Add($"status={status}");
        }

        return GetAsync<Page<OrderResult>>($"merchants/{merchantId}/orders" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), ct);
    }

    public Task<PaymentResult> PayAsync(Guid orderId, string idempotencyKey, CancellationToken ct = default) =>
        SendAsync<PaymentResult>(HttpMethod.Post, $"orders/{orderId}/pay", new { method = "sandbox" }, idempotencyKey: idempotencyKey, ct: ct);

    public Task<OrderResult> AcceptAsync(Guid orderId, CancellationToken ct = default) =>
        SendAsync<OrderResult>(HttpMethod.Post, $"orders/{orderId}/accept", new { }, ct: ct);

    public Task<OrderResult> ReadyAsync(Guid orderId, CancellationToken ct = default) =>
        SendAsync<OrderResult>(HttpMethod.Post, $"orders/{orderId}/ready", new { }, ct: ct);

    public Task<OrderResult> HandoverAsync(Guid orderId, string? pickupCode, CancellationToken ct = default) =>
        SendAsync<OrderResult>(HttpMethod.Post, $"orders/{orderId}/handover", new { pickupCode }, ct: ct);

    public Task<OrderResult> PickupByCodeAsync(Guid storeId, string? pickupCode, CancellationToken ct = default) =>
        SendAsync<OrderResult>(HttpMethod.Post, $"stores/{storeId}/pickups", new { pickupCode }, ct: ct);

    public Task<OrderResult> CancelAsync(Guid orderId, string reason, CancellationToken ct = default) =>
        SendAsync<OrderResult>(HttpMethod.Post, $"orders/{orderId}/cancel", new { reason }, ct: ct);

    // --- Counter sales
    public Task<SaleResult> SellAsync(Guid storeId, object body, string idempotencyKey, CancellationToken ct = default) =>
        SendAsync<SaleResult>(HttpMethod.Post, $"stores/{storeId}/pos/sales", body, idempotencyKey: idempotencyKey, ct: ct);

    // --- Plumbing
    public Task<T> GetAsync<T>(string path, CancellationToken ct = default) => SendAsync<T>(HttpMethod.Get, path, null, ct: ct);

    public async Task<List<T>> AllPagesAsync<T>(string path, int maxPages = 20, CancellationToken ct = default)
    {
        var all = new List<T>();
        string? cursor = null;
        for (var i = 0; i < maxPages; i++)
        {
            var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var page = await GetAsync<Page<T>>(cursor is null ? $"{path}{separator}limit=200" : $"{path}{separator}limit=200&cursor={Uri.EscapeDataString(cursor)}", ct);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
            if (cursor is null)
            {
                break;
            }
        }

        return all;
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, bool anonymous = false, string? token = null,
        string? idempotencyKey = null, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(method, "/api/v1/" + path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        token ??= anonymous ? null : _token ?? (await session.CurrentAsync())?.AccessToken;
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new ApiException(await ReadProblemAsync(response, ct));
        }

        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return default!; // a DELETE: nothing to read
        }

        return (await response.Content.ReadFromJsonAsync<T>(Json, ct))!;
    }

    private static async Task<ProblemJson> ReadProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<ProblemJson>(Json, ct);
            if (problem is not null)
            {
                return problem with { Status = (int)response.StatusCode };
            }
        }
        catch (JsonException)
        {
            // Not a problem document; describe it by status alone.
        }

        return new ProblemJson((int)response.StatusCode, response.ReasonPhrase, null,
            response.StatusCode == HttpStatusCode.NotFound ? "not_found" : "error");
    }

    private static string Near(LocationJson p) =>
        string.Create(CultureInfo.InvariantCulture, $"{p.Lat:0.######},{p.Lng:0.######}");
}
