using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Delivery.Dispatch;
using Tandem.Kernel.Http;
using Tandem.Tests.Acceptance;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Contract;

/// <summary>
/// Tenant isolation for every endpoint the host maps, not a hand-kept list: merchant B gets a store,
/// stock, an order, a counter sale and a lot; then the owner of merchant A and an unrelated consumer call
/// every staff and consumer endpoint with B's ids in the route. Each call must fail exactly as it fails for
/// ids that exist nowhere (so nothing of B is even admitted to exist), no response may carry B's data,
/// and nothing in the database may change.
/// A new endpoint is covered the day it is mapped.
/// </summary>
public abstract class TenantIsolationContractTests(TandemApp app) : AcceptanceTest(app)
{
    /// <summary>Route parameters that name no resource of anyone's (a file format).</summary>
    private static readonly HashSet<string> NotIds = new(StringComparer.Ordinal) { "format" };

    [Fact]
    public async Task No_staff_or_consumer_endpoint_lets_an_outsider_reach_another_merchants_resources()
    {
        // B: a shop with stock, a paid order of its consumer, a counter sale and a registered (and recalled) lot.
        var b = await NewShopAsync((1800, 20));
        var bConsumer = await NewUserAsync("顾客");
        var bPaid = await PaidOrderAsync(bConsumer, b, (0, 1));
        var bOrder = Id(bPaid);
        var bPayment = bPaid.GetProperty("payment").GetProperty("paymentId").GetGuid();
        var sale = await (await PosSaleAsync(b, (0, 1))).ShouldHave(HttpStatusCode.Created);
        var bSale = sale.GetProperty("saleId").GetGuid();
        var gtin = NewGtin13();
        var bProduct = await NewProductAsync(b.Merchant, 2400, gtin, "B 家的秘密茶");
        var bLot = $"L{Guid.NewGuid():N}"[..12].ToUpperInvariant();
        await (await b.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{b.Merchant.Id}/lots", new { productId = bProduct.Id, lot = bLot }, Ct))
            .ShouldHave(HttpStatusCode.Created);
        // B recalls that lot (none of it is in a store's stock, so nothing is blocked), for the withdraw endpoint to aim at.
        var recall = await (await b.Owner.Client.PostAsJsonAsync($"/api/v1/trace/lots/{bProduct.Gtin14}/{bLot}/recall", new { reason = "检测不合格" }, Ct))
            .ShouldHave(HttpStatusCode.Created);
        var bRecall = recall.GetProperty("recallId").GetGuid();

        // An EPCIS event B captured, and its capture job.
        var bEvent = $"urn:uuid:{Guid.NewGuid()}";
        var capture = await (await b.Owner.Client.PostAsync("/epcis/capture", new StringContent(
            Traceability.TraceApiTest.DocumentOf(Traceability.TraceApiTest.ObjectEvent($"urn:epc:id:sgtin:0614141.107346.{Random.Shared.Next(1, 999_999)}", eventId: bEvent)),
            Encoding.UTF8, "application/ld+json"), Ct)).ShouldHave(HttpStatusCode.Accepted);
        var bCapture = capture.GetProperty("captureID").GetString()!;

        // A delivery order of B's, so the dispatch endpoints have a job of B's to refuse.
        var bDelivery = await NewStoreAsync(b.Merchant, deliveryRadiusKm: 5);
        await CountAsync(b.Owner.Client, bDelivery.Id, b[0].Id, 5);
        var deliveryOrder = await (await PlaceAsync(bConsumer, bDelivery.Id, [new Line(b[0].Id, 1)], fulfillment: new
        {
            type = "delivery",
            address = "上海市黄浦区南京东路 1 号",
            location = new { lat = CentreLat + 0.005, lng = CentreLng },
        })).ShouldHave(HttpStatusCode.Created);
        await (await PayAsync(bConsumer, Id(deliveryOrder))).ShouldHave(HttpStatusCode.OK);
        var board = await (await b.Owner.Client.GetAsync($"/api/v1/stores/{bDelivery.Id}/dispatch/jobs", Ct)).ShouldHave(HttpStatusCode.OK);
        var bJob = board.GetProperty("jobs").EnumerateArray().Single(j => j.GetProperty("orderId").GetGuid() == Id(deliveryOrder)).GetProperty("jobId").GetGuid();

        // B's owner also runs a delivery company with a rider, serving B's delivery store, for the company endpoints to refuse.
        var company = await (await b.Owner.Client.PostAsJsonAsync("/api/v1/delivery-companies", new { name = "B 家配送", creditCode = NewCreditCode() }, Ct))
            .ShouldHave(HttpStatusCode.Created);
        var bCompany = company.GetProperty("companyId").GetGuid();
        var bRider = await NewUserAsync("B 家骑手");
        await (await b.Owner.Client.PostAsJsonAsync($"/api/v1/delivery-companies/{bCompany}/riders", new { phone = bRider.Phone }, Ct))
            .ShouldHave(HttpStatusCode.Created);
        await (await b.Owner.Client.PostAsJsonAsync($"/api/v1/delivery-companies/{bCompany}/stores", new { storeId = b.Store.Id }, Ct))
            .ShouldHave(HttpStatusCode.Created);

        // The outsiders: the owner of another merchant (with its own store), and a consumer who never bought from B.
        var a = await NewShopAsync((100, 1));
        var stranger = await NewUserAsync("路人");

        var ids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["merchantId"] = b.Merchant.Id.ToString(),
            ["storeId"] = b.Store.Id.ToString(),
            ["productId"] = b[0].Id.ToString(),
            ["orderId"] = bOrder.ToString(),
            ["saleId"] = bSale.ToString(),
            ["gtin"] = bProduct.Gtin14!,
            ["lot"] = bLot,
            ["jobId"] = bJob.ToString(),
            ["eventId"] = bEvent,
            ["captureId"] = bCapture,
            ["paymentId"] = bPayment.ToString(),
            ["recallId"] = bRecall.ToString(),
            ["companyId"] = bCompany.ToString(),
            ["courierId"] = bRider.Id.ToString(),
        };
        var secrets = ids.Values.Where(v => v != b[0].Id.ToString() && v != b.Store.Id.ToString() && v != b.Merchant.Id.ToString()).Append("B 家的秘密茶").ToList();

        var scoped = ApiSurface.Endpoints(App.Services)
            .Where(e => e.Metadata.GetMetadata<EndpointAccess>()?.Audience is Audience.MerchantStaff or Audience.Consumer)
            .ToList();
        // A new kind of id in a staff or consumer route must be added above, so the walk can aim it at B.
        scoped.Where(e => e.RoutePattern.Parameters.Any(p => !ids.ContainsKey(p.Name) && !NotIds.Contains(p.Name)))
            .Select(ApiSurface.Describe).ToList()
            .ShouldBeEmpty("these endpoints take an id this test does not know how to give B");
        var endpoints = scoped.Where(e => e.RoutePattern.Parameters.Any(p => ids.ContainsKey(p.Name))).ToList();
        endpoints.Count.ShouldBeGreaterThan(10, "the walk should find the staff and consumer endpoints");

        // Settle the background dispatcher first: its first batch flags B's job (an outbox event) and takes the dispatch lease,
        // which must not be mistaken for an outsider's write if its timer fires during the walk.
        await App.Services.GetRequiredService<DispatchRunner>().RunOnceAsync(Ct);
        var before = await RowCountsAsync();
        var failures = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var method = ApiSurface.Method(endpoint);
            var url = ApiSurface.Url(endpoint, p => ids.TryGetValue(p.Name, out var id) ? id : Guid.NewGuid().ToString());
            var callers = endpoint.Metadata.GetMetadata<EndpointAccess>()!.Audience == Audience.MerchantStaff
                ? new[] { ("owner of another merchant", a.Owner.Client), ("staff of another merchant", a.Staff.Client) }
                : [("owner of another merchant", a.Owner.Client), ("another consumer", stranger.Client)];
            var nowhere = ApiSurface.Url(endpoint, p => p.Name switch
            {
                "gtin" => "0" + NewGtin13(),
                "lot" => "NOSUCHLOT",
                _ => Guid.NewGuid().ToString(),
            });
            foreach (var (who, client) in callers)
            {
                var (status, code, text) = await CallAsync(client, method, url, endpoint, ids);
                var (nowhereStatus, nowhereCode, _) = await CallAsync(client, method, nowhere, endpoint, ids);
                if ((int)status is >= 200 and < 300 || status != nowhereStatus || code != nowhereCode)
                {
                    failures.Add($"{method} {url} as {who} → {(int)status} {code}, but {(int)nowhereStatus} {nowhereCode} for ids that exist nowhere: {Truncate(text)}");
                }

                if (secrets.FirstOrDefault(s => text.Contains(s, StringComparison.OrdinalIgnoreCase)) is { } leaked)
                {
                    failures.Add($"{method} {url} as {who} leaked '{leaked}'");
                }
            }
        }

        // The caller-scoped reads (my orders, my merchant's events...) must not carry B's data either.
        foreach (var endpoint in scoped.Where(e => e.RoutePattern.Parameters.Count == 0 && ApiSurface.Method(e) == "GET"))
        {
            foreach (var (who, client) in new[] { ("owner of another merchant", a.Owner.Client), ("another consumer", stranger.Client) })
            {
                var text = await (await client.GetAsync(endpoint.RoutePattern.RawText, Ct)).Content.ReadAsStringAsync(Ct);
                if (secrets.FirstOrDefault(s => text.Contains(s, StringComparison.OrdinalIgnoreCase)) is { } leaked)
                {
                    failures.Add($"GET {endpoint.RoutePattern.RawText} as {who} leaked '{leaked}'");
                }
            }
        }

        failures.ShouldBeEmpty();
        (await RowCountsAsync()).ShouldBe(before, "an outsider's request wrote something");

        // B's own people still see their things, untouched.
        var order = await GetOrderAsync(bConsumer.Client, bOrder);
        order.GetProperty("status").GetString().ShouldBe("paid");
        (await StockAsync(b)).ShouldBe(new StockLevel(19, 1, 18));
    }

    /// <summary>
    /// Row counts, but for the outbox dispatcher's own bookkeeping: it is still handling the set-up's events in the
    /// background. A request that published something would still show in the outbox table itself.
    /// </summary>
    private async Task<Dictionary<string, long>> RowCountsAsync()
    {
        var counts = await ApiSurface.RowCountsAsync(App.Services, Ct);
        counts.Remove(counts.Keys.Single(k => k.EndsWith("processed_events", StringComparison.Ordinal)));
        return counts;
    }

    private async Task<(HttpStatusCode Status, string? Code, string Text)> CallAsync(
        HttpClient client, string method, string url, RouteEndpoint endpoint, IReadOnlyDictionary<string, string> ids)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = Body(endpoint, ids) };
        var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        string? code = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            using var problem = JsonDocument.Parse(text);
            code = problem.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
        }

        return (response.StatusCode, code, text);
    }

    /// <summary>
    /// A plausible body for the endpoint's request type, so a handler that checked the body before the tenant
    /// would still be caught writing: names a property's likely value by its name and type.
    /// </summary>
    private static HttpContent? Body(RouteEndpoint endpoint, IReadOnlyDictionary<string, string> ids)
    {
        var accepts = endpoint.Metadata.OfType<IAcceptsMetadata>().FirstOrDefault(a => a.ContentTypes.Contains("application/json"));
        if (accepts is null)
        {
            return ApiSurface.Method(endpoint) is "GET" or "DELETE" ? null : new StringContent("{}", Encoding.UTF8, "application/json");
        }

        var body = new JsonObject();
        foreach (var property in accepts.RequestType?.GetProperties(BindingFlags.Public | BindingFlags.Instance) ?? [])
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            JsonNode? value = type switch
            {
                _ when ids.TryGetValue(name, out var id) => id,
                _ when type == typeof(Guid) => Guid.NewGuid().ToString(),
                _ when type == typeof(string) => name switch
                {
                    "role" => "staff",
                    "reason" => "count",
                    "pickupCode" => "123456",
                    "method" => "cash",
                    _ => "x",
                },
                _ when type == typeof(int) || type == typeof(long) => 1,
                _ when type == typeof(bool) => true,
                _ => null,
            };
            if (value is not null)
            {
                body[name] = value;
            }
        }

        return new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}

public sealed class TenantIsolationContractTests_Sqlite(IsolatedSqliteApp app) : TenantIsolationContractTests(app), IClassFixture<IsolatedSqliteApp>;

public sealed class TenantIsolationContractTests_Postgres(IsolatedPostgresApp app) : TenantIsolationContractTests(app), IClassFixture<IsolatedPostgresApp>;
