using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Tandem.Host.Hosting;
using Tandem.Kernel;
using Tandem.Kernel.Persistence;
using Tandem.Merchants.Contracts;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Merchants;

/// <summary>The host as `dotnet run` starts it: an empty SQLite database that the demo district fills.</summary>
public sealed class DemoDistrictApp : TandemApp
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tandem-tests", "demo-" + Guid.NewGuid().ToString("N"));

    public override string Provider => "sqlite";

    protected override IEnumerable<KeyValuePair<string, string?>> DatabaseSettings() =>
    [
        new("Tandem:Database:Provider", "Sqlite"),
        new("Tandem:DataDirectory", _directory),
    ];

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
    [
        new("Tandem:SeedDemo", "true"),
        new("Tandem:Platform:AdminPhones:0", "+8613900000001"),
    ];

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}

public sealed class DemoDistrictTests(DemoDistrictApp app) : ApiTest(app), IClassFixture<DemoDistrictApp>
{
    [Fact]
    public void The_demo_data_is_valid_and_large_enough()
    {
        var products = DemoDistrict.Merchants.SelectMany(m => m.Products).ToList();
        products.Count.ShouldBeGreaterThanOrEqualTo(50);
        products.Select(p => p.Gtin).Distinct().Count().ShouldBe(products.Count);
        foreach (var p in products)
        {
            p.Gtin.Length.ShouldBe(13);
            p.Gtin[..3].ShouldBeOneOf("690", "691", "692", "693", "694", "695", "696", "697", "698", "699");
            Gtin.TryParse(p.Gtin, out _).ShouldBeTrue(p.Gtin);
            p.Price.ShouldBeGreaterThan(0);
        }

        DemoDistrict.Merchants.Length.ShouldBe(5);
        DemoDistrict.Merchants.Count(m => CreditCode.TryParse(m.CreditCode, out var _)).ShouldBe(5);
        DemoDistrict.Merchants.SelectMany(m => m.Stores)
            .Count(s => DemoDistrict.Centre.DistanceKmTo(new GeoPoint(s.Lat, s.Lng)) <= 10).ShouldBeGreaterThanOrEqualTo(6);
        DemoDistrict.Accounts.Count(a => PhoneNumber.TryParse(a.Phone, out var _)).ShouldBe(DemoDistrict.Accounts.Length);
    }

    [Fact]
    public async Task Demo_accounts_sign_in_with_their_roles()
    {
        async Task<System.Text.Json.JsonElement> MeAsync(string phone)
        {
            var login = await (await Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { phone, password = DemoDistrict.Password }, Ct))
                .ShouldHave(HttpStatusCode.OK);
            return await (await ClientWithToken(login.GetProperty("accessToken").GetString()!).GetAsync("/api/v1/me", Ct)).ShouldHave(HttpStatusCode.OK);
        }

        (await MeAsync("+8613900000001")).GetProperty("platformRoles").EnumerateArray().Select(r => r.GetString()).ShouldContain("admin");
        (await MeAsync("+8613900000003")).GetProperty("platformRoles").EnumerateArray().Select(r => r.GetString()).ShouldContain("courier");
        (await MeAsync("+8613900000004")).GetProperty("platformRoles").EnumerateArray().Select(r => r.GetString()).ShouldContain("regulator");
        (await MeAsync("+8613900000002")).GetProperty("merchants").GetArrayLength().ShouldBe(0);
        var owner = await MeAsync("+8613900000102");
        owner.GetProperty("merchants").EnumerateArray().ShouldHaveSingleItem().GetProperty("role").GetString().ShouldBe("owner");
        var clerk = await MeAsync("+8613900000201");
        clerk.GetProperty("merchants").EnumerateArray().ShouldHaveSingleItem().GetProperty("role").GetString().ShouldBe("staff");
    }

    [Fact]
    public async Task The_demo_delivery_company_carries_for_two_merchants_with_Courier_Wu_as_its_rider()
    {
        async Task<HttpClient> SignInAsync(string phone)
        {
            var login = await (await Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { phone, password = DemoDistrict.Password }, Ct))
                .ShouldHave(HttpStatusCode.OK);
            return ClientWithToken(login.GetProperty("accessToken").GetString()!);
        }

        var owner = await SignInAsync(DemoDistrict.Company.OwnerPhone);
        var company = (await (await owner.GetAsync("/api/v1/delivery-companies", Ct)).ShouldHave(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Single();
        var companyId = company.GetProperty("companyId").GetGuid();
        var riders = await (await owner.GetAsync($"/api/v1/delivery-companies/{companyId}/riders", Ct)).ShouldHave(HttpStatusCode.OK);
        var wu = riders.GetProperty("items").EnumerateArray().Single();
        wu.GetProperty("phone").GetString().ShouldBe(DemoDistrict.Company.RiderPhone);
        wu.GetProperty("onShift").GetBoolean().ShouldBeTrue();
        var stores = (await (await owner.GetAsync($"/api/v1/delivery-companies/{companyId}/stores", Ct)).ShouldHave(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().ToList();
        stores.Select(st => st.GetProperty("name").GetString()).Order().ShouldBe(DemoDistrict.Company.Stores.Order());
        stores.ShouldAllBe(st => st.GetProperty("inUse").GetBoolean());
        DemoDistrict.Merchants.Count(m => m.Stores.Any(st => DemoDistrict.Company.Stores.Contains(st.Name))).ShouldBe(2);
    }

    [Fact]
    public async Task Stores_around_West_Lake_are_found_with_their_products()
    {
        var body = await (await Anonymous().GetAsync("/api/v1/stores?near=30.2741,120.1551&radiusKm=10", Ct)).ShouldHave(HttpStatusCode.OK);
        var stores = body.GetProperty("items").EnumerateArray().ToList();
        stores.Count.ShouldBe(DemoDistrict.Merchants.Sum(m => m.Stores.Length));
        stores[0].GetProperty("distanceKm").GetDouble().ShouldBeLessThan(1.5);

        await using var scope = App.Services.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<Tandem.Catalog.Contracts.IProductCatalog>();
        var tea = DemoDistrict.Merchants[1];
        var merchantId = stores.First(s => tea.Stores.Any(t => t.Name == s.GetProperty("name").GetString())).GetProperty("merchantId").GetGuid();
        Gtin.TryParse(tea.Products[0].Gtin, out var gtin).ShouldBeTrue();
        var longjing = await catalog.FindByGtinAsync(merchantId, gtin!.Value, Ct);
        longjing.ShouldNotBeNull();
        longjing.Name.ShouldBe("西湖龙井 明前特级");
        longjing.Price.ShouldBe(Money.Yuan(68800));
    }

    [Fact]
    public async Task The_demo_district_is_never_loaded_twice()
    {
        await DemoDistrict.SeedAsync(App.Services, NullLogger.Instance, Ct);
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var merchants = await db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM merchants_merchants").SingleAsync(Ct);
        merchants.ShouldBe(DemoDistrict.Merchants.Length);
    }
}
