using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tandem.Merchants.Contracts;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Merchants;

/// <summary>A merchant with its owner and the ids a test needs.</summary>
public sealed record TestMerchant(Guid Id, string CreditCode, TestUser Owner);

/// <summary>HTTP tests that need merchants, staff, stores and products, created through the real API.</summary>
public abstract class MerchantApiTest(TandemApp app) : ApiTest(app)
{
    /// <summary>A random, valid unified social credit code (the check character computed).</summary>
    public static string NewCreditCode()
    {
        var body = new char[17];
        body[0] = '9';
        body[1] = '1';
        for (var i = 2; i < body.Length; i++)
        {
            body[i] = CreditCode.Alphabet[Random.Shared.Next(CreditCode.Alphabet.Length)];
        }

        return new string(body) + CreditCode.CheckCharacter(body);
    }

    protected async Task<TestMerchant> NewMerchantAsync(TestUser? owner = null, string name = "湖滨鲜果 Hubin Fresh")
    {
        owner ??= await NewUserAsync("店主");
        var code = NewCreditCode();
        var body = await (await owner.Client.PostAsJsonAsync("/api/v1/merchants", new { name, creditCode = code }, Ct))
            .ShouldHave(HttpStatusCode.Created);
        return new TestMerchant(body.GetProperty("merchantId").GetGuid(), code, owner);
    }

    /// <summary>A new user added to the merchant by its owner in <paramref name="role"/> (manager or staff).</summary>
    protected async Task<TestUser> NewStaffAsync(TestMerchant merchant, string role)
    {
        var user = await NewUserAsync(role == "manager" ? "店长" : "店员");
        await (await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/staff", new { phone = user.Phone, role }, Ct))
            .ShouldHave(HttpStatusCode.Created);
        return user;
    }

    protected async Task<JsonElement> NewStoreAsync(TestMerchant merchant, double lat = 30.2741, double lng = 120.1551, string name = "西湖店",
        object? delivery = null)
    {
        var response = await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/stores", new
        {
            name,
            address = "杭州市西湖区湖滨路 1 号",
            location = new { lat, lng },
            pickup = true,
            delivery,
        }, Ct);
        return await response.ShouldHave(HttpStatusCode.Created);
    }

    protected async Task<JsonElement> NewProductAsync(TestMerchant merchant, string name = "西湖龙井 250g", long amount = 12800, string? gtin = null)
    {
        var response = await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/products", new
        {
            name,
            price = new { amount, currency = "CNY" },
            gtin,
        }, Ct);
        return await response.ShouldHave(HttpStatusCode.Created);
    }
}
