using System.Net;
using System.Net.Http.Json;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Merchants;

public abstract class StoresTests(TandemApp app) : MerchantApiTest(app)
{
    private static object ValidStore(object? delivery = null, object? location = null) => new
    {
        name = "湖滨店",
        address = "杭州市上城区湖滨路 23 号",
        location = location ?? new { lat = 30.2592, lng = 120.1637 },
        pickup = true,
        delivery,
    };

    [Fact]
    public async Task A_manager_opens_a_store_that_anyone_can_read()
    {
        var merchant = await NewMerchantAsync();
        var manager = await NewStaffAsync(merchant, "manager");
        var created = await (await manager.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/stores",
                ValidStore(new { radiusKm = 3.5, fee = new { amount = 500, currency = "CNY" } }), Ct))
            .ShouldHave(HttpStatusCode.Created);
        var storeId = created.GetProperty("storeId").GetGuid();
        created.GetProperty("merchantId").GetGuid().ShouldBe(merchant.Id);
        created.GetProperty("name").GetString().ShouldBe("湖滨店");
        created.GetProperty("address").GetString().ShouldBe("杭州市上城区湖滨路 23 号");
        created.GetProperty("location").GetProperty("lat").GetDouble().ShouldBe(30.2592);
        created.GetProperty("location").GetProperty("lng").GetDouble().ShouldBe(120.1637);
        created.GetProperty("pickup").GetBoolean().ShouldBeTrue();
        created.GetProperty("delivery").GetProperty("radiusKm").GetDouble().ShouldBe(3.5);
        created.GetProperty("delivery").GetProperty("fee").GetProperty("amount").GetInt64().ShouldBe(500);
        created.GetProperty("delivery").GetProperty("fee").GetProperty("currency").GetString().ShouldBe("CNY");

        var read = await (await Anonymous().GetAsync($"/api/v1/stores/{storeId}", Ct)).ShouldHave(HttpStatusCode.OK);
        read.GetProperty("storeId").GetGuid().ShouldBe(storeId);
        read.GetProperty("delivery").GetProperty("radiusKm").GetDouble().ShouldBe(3.5);

        var list = await (await manager.Client.GetAsync($"/api/v1/merchants/{merchant.Id}/stores", Ct)).ShouldHave(HttpStatusCode.OK);
        list.GetProperty("items").EnumerateArray().ShouldHaveSingleItem().GetProperty("storeId").GetGuid().ShouldBe(storeId);
    }

    [Fact]
    public async Task A_store_without_delivery_omits_it()
    {
        var merchant = await NewMerchantAsync();
        var created = await (await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/stores", ValidStore(), Ct))
            .ShouldHave(HttpStatusCode.Created);
        created.TryGetProperty("delivery", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Staff_may_not_open_stores_and_strangers_do_not_see_the_merchant()
    {
        var merchant = await NewMerchantAsync();
        var clerk = await NewStaffAsync(merchant, "staff");
        await (await clerk.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/stores", ValidStore(), Ct))
            .ShouldBeProblem(HttpStatusCode.Forbidden, "forbidden");
        var stranger = await NewUserAsync();
        await (await stranger.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/stores", ValidStore(), Ct))
            .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await Anonymous().PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/stores", ValidStore(), Ct))
            .ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    public static TheoryData<string, string> InvalidStores => new()
    {
        { """{"name": "", "address": "路", "location": {"lat": 30, "lng": 120}}""", "name" },
        { """{"name": "店", "address": "", "location": {"lat": 30, "lng": 120}}""", "address" },
        { $$$"""{"name": "店", "address": "{{{new string('路', 201)}}}", "location": {"lat": 30, "lng": 120}}""", "address" },
        { """{"name": "店", "address": "路"}""", "location" },
        { """{"name": "店", "address": "路", "location": {"lat": 90.5, "lng": 120}}""", "location.lat" },
        { """{"name": "店", "address": "路", "location": {"lat": 30, "lng": -180.01}}""", "location.lng" },
        { """{"name": "店", "address": "路", "location": {"lat": 30}}""", "location.lng" },
        { """{"name": "店", "address": "路", "location": {"lat": 30, "lng": 120}, "delivery": {"radiusKm": 0, "fee": {"amount": 0, "currency": "CNY"}}}""", "delivery.radiusKm" },
        { """{"name": "店", "address": "路", "location": {"lat": 30, "lng": 120}, "delivery": {"radiusKm": 50.01, "fee": {"amount": 0, "currency": "CNY"}}}""", "delivery.radiusKm" },
        { """{"name": "店", "address": "路", "location": {"lat": 30, "lng": 120}, "delivery": {"fee": {"amount": 0, "currency": "CNY"}}}""", "delivery.radiusKm" },
        { """{"name": "店", "address": "路", "location": {"lat": 30, "lng": 120}, "delivery": {"radiusKm": 3, "fee": {"amount": -1, "currency": "CNY"}}}""", "delivery.fee.amount" },
        { """{"name": "店", "address": "路", "location": {"lat": 30, "lng": 120}, "delivery": {"radiusKm": 3}}""", "delivery.fee" },
        { """{"name": "店", "address": "路", "location": {"lat": 30, "lng": 120}, "openingHours": [{"day": "mon", "opens": "09:00", "closes": "08:00"}]}""", "openingHours[0].closes" },
        { """{"name": "店", "address": "路", "location": {"lat": 30, "lng": 120}, "openingHours": [{"day": "fun", "opens": "09:00", "closes": "18:00"}]}""", "openingHours[0].day" },
    };

    [Theory]
    [MemberData(nameof(InvalidStores))]
    public async Task Invalid_store_fields_are_named(string body, string field)
    {
        var merchant = await NewMerchantAsync();
        var problem = await (await merchant.Owner.Client.PostRawAsync($"/api/v1/merchants/{merchant.Id}/stores", body))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
    }

    [Fact]
    public async Task A_delivery_fee_in_another_currency_is_unsupported()
    {
        var merchant = await NewMerchantAsync();
        await (await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/stores",
                ValidStore(new { radiusKm = 3, fee = new { amount = 500, currency = "USD" } }), Ct))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "unsupported_currency");
    }

    [Fact]
    public async Task A_manager_edits_store_settings_and_opening_hours()
    {
        var merchant = await NewMerchantAsync();
        var manager = await NewStaffAsync(merchant, "manager");
        var store = await NewStoreAsync(merchant, delivery: new { radiusKm = 3, fee = new { amount = 500, currency = "CNY" } });
        var storeId = store.GetProperty("storeId").GetGuid();

        var patched = await (await manager.Client.PatchAsJsonAsync($"/api/v1/stores/{storeId}", new
        {
            name = "湖滨旗舰店",
            pickup = false,
            openingHours = new object[]
            {
                new { day = "sat", opens = "09:00", closes = "24:00" },
                new { day = "mon", opens = "13:00", closes = "21:30" },
                new { day = "mon", opens = "08:00", closes = "12:00" },
            },
        }, Ct)).ShouldHave(HttpStatusCode.OK);
        patched.GetProperty("name").GetString().ShouldBe("湖滨旗舰店");
        patched.GetProperty("address").GetString().ShouldBe("杭州市西湖区湖滨路 1 号");
        patched.GetProperty("pickup").GetBoolean().ShouldBeFalse();
        patched.GetProperty("delivery").GetProperty("radiusKm").GetDouble().ShouldBe(3);
        patched.GetProperty("openingHours").EnumerateArray()
            .Select(p => $"{p.GetProperty("day").GetString()} {p.GetProperty("opens").GetString()}-{p.GetProperty("closes").GetString()}")
            .ShouldBe(["mon 08:00-12:00", "mon 13:00-21:30", "sat 09:00-24:00"]);

        // Absent fields stay; null clears delivery and the published hours.
        var cleared = await (await manager.Client.PatchAsync($"/api/v1/stores/{storeId}",
            JsonContent.Create(new { delivery = (object?)null, openingHours = (object?)null }), Ct)).ShouldHave(HttpStatusCode.OK);
        cleared.TryGetProperty("delivery", out _).ShouldBeFalse();
        cleared.TryGetProperty("openingHours", out _).ShouldBeFalse();
        cleared.GetProperty("name").GetString().ShouldBe("湖滨旗舰店");

        var read = await (await Anonymous().GetAsync($"/api/v1/stores/{storeId}", Ct)).ShouldHave(HttpStatusCode.OK);
        read.TryGetProperty("delivery", out _).ShouldBeFalse();
        read.GetProperty("pickup").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task Editing_a_store_validates_like_opening_one()
    {
        var merchant = await NewMerchantAsync();
        var storeId = (await NewStoreAsync(merchant)).GetProperty("storeId").GetGuid();
        var problem = await (await merchant.Owner.Client.PatchAsync($"/api/v1/stores/{storeId}", JsonContent.Create(new
        {
            name = " ",
            delivery = new { radiusKm = 51, fee = new { amount = 1, currency = "CNY" } },
            openingHours = new object[] { new { day = "tue", opens = "08:00", closes = "12:00" }, new { day = "tue", opens = "11:00", closes = "14:00" } },
        }), Ct)).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        var errors = problem.GetProperty("errors");
        errors.TryGetProperty("name", out _).ShouldBeTrue();
        errors.TryGetProperty("delivery.radiusKm", out _).ShouldBeTrue();
        errors.TryGetProperty("openingHours", out _).ShouldBeTrue();

        var wrongShape = await (await merchant.Owner.Client.PatchAsync($"/api/v1/stores/{storeId}",
            JsonContent.Create(new { delivery = "yes" }), Ct)).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        wrongShape.GetProperty("errors").TryGetProperty("delivery", out _).ShouldBeTrue();

        await (await merchant.Owner.Client.PatchAsync($"/api/v1/stores/{storeId}", JsonContent.Create(new
        {
            delivery = new { radiusKm = 2, fee = new { amount = 1, currency = "EUR" } },
        }), Ct)).ShouldBeProblem(HttpStatusCode.BadRequest, "unsupported_currency");

        var unchanged = await (await Anonymous().GetAsync($"/api/v1/stores/{storeId}", Ct)).ShouldHave(HttpStatusCode.OK);
        unchanged.GetProperty("name").GetString().ShouldBe("西湖店");
    }

    [Fact]
    public async Task Only_managers_of_its_merchant_edit_a_store()
    {
        var merchant = await NewMerchantAsync();
        var storeId = (await NewStoreAsync(merchant)).GetProperty("storeId").GetGuid();
        var clerk = await NewStaffAsync(merchant, "staff");
        var stranger = await NewUserAsync();
        await (await clerk.Client.PatchAsync($"/api/v1/stores/{storeId}", JsonContent.Create(new { name = "改" }), Ct))
            .ShouldBeProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await stranger.Client.PatchAsync($"/api/v1/stores/{storeId}", JsonContent.Create(new { name = "改" }), Ct))
            .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await merchant.Owner.Client.PatchAsync($"/api/v1/stores/{Guid.NewGuid()}", JsonContent.Create(new { name = "改" }), Ct))
            .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task An_unknown_store_is_not_found()
    {
        await (await Anonymous().GetAsync($"/api/v1/stores/{Guid.NewGuid()}", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await Anonymous().GetAsync("/api/v1/stores/not-an-id", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
    }
}

public sealed class StoresTests_Sqlite(SqliteApp app) : StoresTests(app);

public sealed class StoresTests_Postgres(PostgresApp app) : StoresTests(app);
