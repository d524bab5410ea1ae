using System.Net;
using System.Net.Http.Json;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Merchants;

/// <summary>The owner, a manager and a clerk of merchant A find nothing of merchant B: every read and write is 404.</summary>
public abstract class TenantIsolationTests(TandemApp app) : MerchantApiTest(app)
{
    [Fact]
    public async Task People_of_one_merchant_get_not_found_on_every_resource_of_another()
    {
        var a = await NewMerchantAsync();
        var aManager = await NewStaffAsync(a, "manager");
        var aClerk = await NewStaffAsync(a, "staff");
        var b = await NewMerchantAsync();
        var bStore = (await NewStoreAsync(b)).GetProperty("storeId").GetGuid();
        var bProduct = (await NewProductAsync(b)).GetProperty("productId").GetGuid();
        var candidate = await NewUserAsync();

        foreach (var person in new[] { a.Owner, aManager, aClerk })
        {
            var client = person.Client;
            await (await client.GetAsync($"/api/v1/merchants/{b.Id}", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
            await (await client.GetAsync($"/api/v1/merchants/{b.Id}/staff", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
            await (await client.PostAsJsonAsync($"/api/v1/merchants/{b.Id}/staff", new { phone = candidate.Phone, role = "staff" }, Ct))
                .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
            await (await client.GetAsync($"/api/v1/merchants/{b.Id}/stores", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
            await (await client.PostAsJsonAsync($"/api/v1/merchants/{b.Id}/stores",
                    new { name = "x", address = "y", location = new { lat = 30, lng = 120 } }, Ct))
                .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
            await (await client.PatchAsJsonAsync($"/api/v1/stores/{bStore}", new { name = "夺" }, Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
            await (await client.GetAsync($"/api/v1/merchants/{b.Id}/products", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
            await (await client.PostAsJsonAsync($"/api/v1/merchants/{b.Id}/products", new { name = "x", price = new { amount = 1, currency = "CNY" } }, Ct))
                .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
            await (await client.PutAsJsonAsync($"/api/v1/products/{bProduct}", new { name = "夺", price = new { amount = 1, currency = "CNY" } }, Ct))
                .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        }

        // B is untouched, and its public pages still read.
        var store = await (await Anonymous().GetAsync($"/api/v1/stores/{bStore}", Ct)).ShouldHave(HttpStatusCode.OK);
        store.GetProperty("name").GetString().ShouldBe("西湖店");
        var product = await (await Anonymous().GetAsync($"/api/v1/products/{bProduct}", Ct)).ShouldHave(HttpStatusCode.OK);
        product.GetProperty("name").GetString().ShouldBe("西湖龙井 250g");
        var staff = await (await b.Owner.Client.GetAsync($"/api/v1/merchants/{b.Id}/staff", Ct)).ShouldHave(HttpStatusCode.OK);
        staff.GetProperty("items").GetArrayLength().ShouldBe(1);
        var products = await (await b.Owner.Client.GetAsync($"/api/v1/merchants/{b.Id}/products", Ct)).ShouldHave(HttpStatusCode.OK);
        products.GetProperty("items").GetArrayLength().ShouldBe(1);
    }
}

public sealed class TenantIsolationTests_Sqlite(SqliteApp app) : TenantIsolationTests(app);

public sealed class TenantIsolationTests_Postgres(PostgresApp app) : TenantIsolationTests(app);
