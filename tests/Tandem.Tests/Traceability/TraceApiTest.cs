using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Traceability;

/// <summary>A merchant made through the real API, with its owner's client.</summary>
public sealed record TraceMerchant(Guid Id, TestUser Owner)
{
    /// <summary>The owner's client, naming this merchant in the Tandem-Merchant header.</summary>
    public HttpClient Client
    {
        get
        {
            var client = Owner.Client;
            client.DefaultRequestHeaders.Remove("Tandem-Merchant");
            client.DefaultRequestHeaders.Add("Tandem-Merchant", Id.ToString());
            return client;
        }
    }
}

/// <summary>HTTP tests of traceability: merchants, stores and products come from their own modules' real endpoints.</summary>
public abstract class TraceApiTest(TandemApp app) : ApiTest(app)
{
    private const string CreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] CreditWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    /// <summary>A random unified social credit code with the right check character (GB 32100-2015).</summary>
    protected static string NewCreditCode()
    {
        var body = new char[17];
        body[0] = '9';
        body[1] = '1';
        for (var i = 2; i < 17; i++)
        {
            body[i] = CreditAlphabet[Random.Shared.Next(CreditAlphabet.Length)];
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += CreditAlphabet.IndexOf(body[i], StringComparison.Ordinal) * CreditWeights[i];
        }

        return new string(body) + CreditAlphabet[(31 - sum % 31) % 31];
    }

    /// <summary>The Longjing chain of <see cref="TeaChain"/>, captured through the API.</summary>
    protected Task<TeaChain> TeaChainAsync() => TeaChain.CreateAsync(this, n => NewMerchantAsync(n), (m, n) => NewStoreAsync(m, n), CaptureAsync);

    protected async Task<TraceMerchant> NewMerchantAsync(string name = "龙井茶农合作社")
    {
        var owner = await NewUserAsync("茶农");
        var body = await (await owner.Client.PostAsJsonAsync("/api/v1/merchants", new { name, creditCode = NewCreditCode() }, Ct))
            .ShouldHave(HttpStatusCode.Created);
        return new TraceMerchant(body.GetProperty("merchantId").GetGuid(), owner);
    }

    protected async Task<Guid> NewStoreAsync(TraceMerchant merchant, string name, double lat = 30.2741, double lng = 120.1551)
    {
        var body = await (await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/stores", new
        {
            name,
            address = "杭州市西湖区龙井路 1 号",
            location = new { lat, lng },
            pickup = true,
        }, Ct)).ShouldHave(HttpStatusCode.Created);
        return body.GetProperty("storeId").GetGuid();
    }

    protected async Task<Guid> NewProductAsync(TraceMerchant merchant, string name, string gtin)
    {
        var body = await (await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/products", new
        {
            name,
            price = new { amount = 12800, currency = "CNY" },
            gtin,
        }, Ct)).ShouldHave(HttpStatusCode.Created);
        return body.GetProperty("productId").GetGuid();
    }

    /// <summary>A user with the platform regulator role, granted by the configured platform admin.</summary>
    protected async Task<TestUser> NewRegulatorAsync()
    {
        var regulator = await NewUserAsync("监管员");
        var admin = await AdminAsync();
        await (await admin.PostAsJsonAsync($"/api/v1/platform/users/{regulator.Id}/roles", new { role = "regulator" }, Ct)).ShouldHave(HttpStatusCode.OK);
        // Roles are read at sign-in: sign in again for a token that carries the new role.
        var login = await (await Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { phone = regulator.Phone, password = regulator.Password }, Ct)).ShouldHave(HttpStatusCode.OK);
        var token = login.GetProperty("accessToken").GetString()!;
        return regulator with { Token = token, Client = ClientWithToken(token) };
    }

    private async Task<HttpClient> AdminAsync()
    {
        var register = await Anonymous().PostAsJsonAsync("/api/v1/auth/register",
            new { phone = IsolatedSettings.AdminPhone, password = "admin password", displayName = "Admin" }, Ct);
        if (register.StatusCode == HttpStatusCode.Conflict)
        {
            register = await Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { phone = IsolatedSettings.AdminPhone, password = "admin password" }, Ct);
        }

        var body = await register.ShouldHave(register.StatusCode == HttpStatusCode.Created ? HttpStatusCode.Created : HttpStatusCode.OK);
        return ClientWithToken(body.GetProperty("accessToken").GetString()!);
    }

    protected static StringContent JsonLd(string json) => new(json, Encoding.UTF8, new MediaTypeHeaderValue("application/ld+json"));

    protected async Task<HttpResponseMessage> CaptureAsync(HttpClient client, string document) =>
        await client.PostAsync("/epcis/capture", JsonLd(document), Ct);

    /// <summary>Every event of a query, following the Link: rel="next" pages.</summary>
    protected async Task<List<JsonObject>> QueryAllAsync(HttpClient client, string url)
    {
        var events = new List<JsonObject>();
        string? next = url;
        while (next is not null)
        {
            var response = await client.GetAsync(next, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
            var doc = JsonNode.Parse(text)!.AsObject();
            doc["type"]!.GetValue<string>().ShouldBe("EPCISQueryDocument");
            foreach (var e in doc["epcisBody"]!["queryResults"]!["resultsBody"]!["eventList"]!.AsArray())
            {
                events.Add(e!.AsObject());
            }

            next = response.Headers.TryGetValues("Link", out var links) ? NextOf(links.First()) : null;
        }

        return events;
    }

    private static string? NextOf(string link)
    {
        var start = link.IndexOf('<', StringComparison.Ordinal);
        var end = link.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start && link.Contains("rel=\"next\"", StringComparison.Ordinal) ? link[(start + 1)..end] : null;
    }

    /// <summary>A minimal valid EPCISDocument around <paramref name="events"/> (each a JSON object text).</summary>
    internal static string DocumentOf(params string[] events) => Document(events);

    protected static string Document(params string[] events) =>
        "{\"@context\": [\"https://ref.gs1.org/standards/epcis/epcis-context.jsonld\"], \"type\": \"EPCISDocument\", \"schemaVersion\": \"2.0\", "
        + "\"creationDate\": \"2026-11-26T08:00:00Z\", \"epcisBody\": {\"eventList\": [" + string.Join(",", events) + "]}}";

    internal static string ObjectEvent(string epc, string bizStep = "receiving", string time = "2026-11-26T08:00:00+08:00", string action = "OBSERVE",
        string? location = null, string? eventId = null, string? extra = null)
    {
        var e = new JsonObject { ["type"] = "ObjectEvent" };
        if (eventId is not null)
        {
            e["eventID"] = eventId;
        }

        e["eventTime"] = time;
        e["eventTimeZoneOffset"] = "+08:00";
        e["epcList"] = new JsonArray(epc);
        e["action"] = action;
        e["bizStep"] = bizStep;
        if (location is not null)
        {
            e["bizLocation"] = new JsonObject { ["id"] = location };
        }

        var text = e.ToJsonString();
        return extra is null ? text : text[..^1] + ", " + extra + "}";
    }
}
