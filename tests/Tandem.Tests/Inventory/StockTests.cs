using System.Net;
using System.Net.Http.Json;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Ordering;

namespace Tandem.Tests.Inventory;

public abstract class StockTests(TandemApp app) : ShopTest(app)
{
    [Fact]
    public async Task A_count_sets_onHand_and_is_recorded_as_a_movement()
    {
        var shop = await NewShopAsync(products: 1, onHand: 10);
        var stock = await CountAsync(shop, shop[0].Id, 7);
        stock.GetProperty("storeId").GetGuid().ShouldBe(shop.StoreId);
        stock.GetProperty("productId").GetGuid().ShouldBe(shop[0].Id);
        stock.GetProperty("onHand").GetInt64().ShouldBe(7);
        stock.GetProperty("reserved").GetInt64().ShouldBe(0);
        stock.GetProperty("available").GetInt64().ShouldBe(7);

        var movements = await MovementsAsync(shop, shop[0].Id);
        movements.Select(m => m.GetProperty("delta").GetInt64()).ShouldBe([10, -3]);
        movements.Select(m => m.GetProperty("onHandAfter").GetInt64()).ShouldBe([10, 7]);
        movements.ShouldAllBe(m => m.GetProperty("reason").GetString() == "count");
        movements[1].GetProperty("actor").GetGuid().ShouldBe(shop.Staff.Id);
        movements[1].GetProperty("at").GetString()!.ShouldEndWith("Z");
    }

    [Fact]
    public async Task Adjustments_change_onHand_by_their_delta_with_a_reason_and_a_reference()
    {
        var shop = await NewShopAsync(products: 1, onHand: 10);
        var url = $"/api/v1/stores/{shop.StoreId}/stock/{shop[0].Id}/adjustments";
        (await (await shop.Manager.Client.PostAsJsonAsync(url, new { delta = 5, reason = "receipt", reference = "GRN-1" }, Ct))
            .ShouldHave(HttpStatusCode.OK)).GetProperty("onHand").GetInt64().ShouldBe(15);
        (await (await shop.Manager.Client.PostAsJsonAsync(url, new { delta = -2, reason = "damage" }, Ct))
            .ShouldHave(HttpStatusCode.OK)).GetProperty("available").GetInt64().ShouldBe(13);

        var movements = await MovementsAsync(shop, shop[0].Id);
        movements.Select(m => m.GetProperty("reason").GetString()).ShouldBe(["count", "receipt", "damage"]);
        movements[1].GetProperty("reference").GetString().ShouldBe("GRN-1");
        movements[2].TryGetProperty("reference", out _).ShouldBeFalse("absent optional fields are omitted");
        movements.Sum(m => m.GetProperty("delta").GetInt64()).ShouldBe(13);
    }

    [Fact]
    public async Task An_adjustment_that_would_take_onHand_below_zero_is_refused_and_changes_nothing()
    {
        var shop = await NewShopAsync(products: 1, onHand: 3);
        var response = await shop.Manager.Client.PostAsJsonAsync($"/api/v1/stores/{shop.StoreId}/stock/{shop[0].Id}/adjustments",
            new { delta = -4, reason = "damage" }, Ct);
        await response.ShouldBeProblem(HttpStatusCode.Conflict, "insufficient_stock");
        (await StockAsync(shop, shop[0].Id)).GetProperty("onHand").GetInt64().ShouldBe(3);
        (await MovementsAsync(shop, shop[0].Id)).Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("{\"delta\": 0, \"reason\": \"receipt\"}", "delta")]
    [InlineData("{\"delta\": 2, \"reason\": \"sale\"}", "reason")]
    [InlineData("{\"delta\": 2, \"reason\": \"gift\"}", "reason")]
    [InlineData("{\"reason\": \"receipt\"}", "delta")]
    [InlineData("{\"delta\": 2}", "reason")]
    public async Task Adjustments_need_a_nonzero_delta_and_a_reason_from_the_list(string body, string field)
    {
        var shop = await NewShopAsync(products: 1);
        var response = await shop.Manager.Client.PostRawAsync($"/api/v1/stores/{shop.StoreId}/stock/{shop[0].Id}/adjustments", body);
        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue();
    }

    [Fact]
    public async Task A_negative_count_is_refused()
    {
        var shop = await NewShopAsync(products: 1);
        var response = await shop.Staff.Client.PutAsJsonAsync($"/api/v1/stores/{shop.StoreId}/stock/{shop[0].Id}", new { onHand = -1 }, Ct);
        (await response.ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed")).GetProperty("errors").TryGetProperty("onHand", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task A_product_of_the_merchant_never_stocked_reads_as_zeros()
    {
        var shop = await NewShopAsync(products: 0);
        var product = await NewProductAsync(shop.Merchant, "新品");
        var stock = await (await shop.Staff.Client.GetAsync($"/api/v1/stores/{shop.StoreId}/stock/{product.GetProperty("productId").GetGuid()}", Ct))
            .ShouldHave(HttpStatusCode.OK);
        stock.GetProperty("onHand").GetInt64().ShouldBe(0);
        stock.GetProperty("reserved").GetInt64().ShouldBe(0);
        stock.GetProperty("available").GetInt64().ShouldBe(0);
    }

    [Fact]
    public async Task Another_merchants_product_store_or_staff_sees_nothing()
    {
        var shop = await NewShopAsync(products: 1);
        var other = await NewShopAsync(products: 1);
        await (await shop.Staff.Client.GetAsync($"/api/v1/stores/{shop.StoreId}/stock/{other[0].Id}", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await shop.Staff.Client.PutAsJsonAsync($"/api/v1/stores/{shop.StoreId}/stock/{other[0].Id}", new { onHand = 1 }, Ct))
            .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await other.Staff.Client.GetAsync($"/api/v1/stores/{shop.StoreId}/stock/{shop[0].Id}", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await other.Staff.Client.GetAsync($"/api/v1/stores/{shop.StoreId}/stock", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        var consumer = await NewUserAsync();
        await (await consumer.Client.GetAsync($"/api/v1/stores/{shop.StoreId}/stock/{shop[0].Id}/movements", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await Anonymous().GetAsync($"/api/v1/stores/{shop.StoreId}/stock/{shop[0].Id}", Ct)).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Staff_may_read_and_count_but_only_managers_adjust()
    {
        var shop = await NewShopAsync(products: 1, onHand: 5);
        await CountAsync(shop, shop[0].Id, 6);
        var response = await shop.Staff.Client.PostAsJsonAsync($"/api/v1/stores/{shop.StoreId}/stock/{shop[0].Id}/adjustments",
            new { delta = 1, reason = "receipt" }, Ct);
        await response.ShouldBeProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await shop.Owner.Client.PostAsJsonAsync($"/api/v1/stores/{shop.StoreId}/stock/{shop[0].Id}/adjustments",
            new { delta = 1, reason = "receipt" }, Ct)).ShouldHave(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Movements_are_listed_oldest_first_in_pages()
    {
        var shop = await NewShopAsync(products: 1, onHand: 0);
        for (var i = 1; i <= 5; i++)
        {
            await CountAsync(shop, shop[0].Id, i * 10);
        }

        var first = await (await shop.Staff.Client.GetAsync($"/api/v1/stores/{shop.StoreId}/stock/{shop[0].Id}/movements?limit=4", Ct))
            .ShouldHave(HttpStatusCode.OK);
        first.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("onHandAfter").GetInt64()).ShouldBe([0, 10, 20, 30]);
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await (await shop.Staff.Client.GetAsync($"/api/v1/stores/{shop.StoreId}/stock/{shop[0].Id}/movements?limit=4&cursor={cursor}", Ct))
            .ShouldHave(HttpStatusCode.OK);
        second.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("onHandAfter").GetInt64()).ShouldBe([40, 50]);
        second.TryGetProperty("nextCursor", out _).ShouldBeFalse();

        await (await shop.Staff.Client.GetAsync($"/api/v1/stores/{shop.StoreId}/stock/{shop[0].Id}/movements?limit=201", Ct))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task The_store_stock_list_names_each_product()
    {
        var shop = await NewShopAsync(products: 3, onHand: 4);
        var list = await (await shop.Staff.Client.GetAsync($"/api/v1/stores/{shop.StoreId}/stock", Ct)).ShouldHave(HttpStatusCode.OK);
        var items = list.GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("productId").GetGuid()).ShouldBe(shop.Products.Select(p => p.Id), ignoreOrder: true);
        items.ShouldAllBe(i => i.GetProperty("available").GetInt64() == 4 && i.GetProperty("name").GetString()!.StartsWith("商品"));
    }

    [Fact]
    public async Task Availability_lists_the_merchants_nearby_stores_with_stock_nearest_first()
    {
        var shop = await NewShopAsync(products: 1, onHand: 3);
        var near = (await NewStoreAsync(shop.Merchant, Lat + 0.005, Lng, "近店")).GetProperty("storeId").GetGuid();
        var empty = (await NewStoreAsync(shop.Merchant, Lat + 0.001, Lng, "空店")).GetProperty("storeId").GetGuid();
        var far = (await NewStoreAsync(shop.Merchant, Lat + 1, Lng, "远店")).GetProperty("storeId").GetGuid();
        await (await shop.Staff.Client.PutAsJsonAsync($"/api/v1/stores/{near}/stock/{shop[0].Id}", new { onHand = 8 }, Ct)).ShouldHave(HttpStatusCode.OK);
        await (await shop.Staff.Client.PutAsJsonAsync($"/api/v1/stores/{empty}/stock/{shop[0].Id}", new { onHand = 0 }, Ct)).ShouldHave(HttpStatusCode.OK);
        await (await shop.Staff.Client.PutAsJsonAsync($"/api/v1/stores/{far}/stock/{shop[0].Id}", new { onHand = 8 }, Ct)).ShouldHave(HttpStatusCode.OK);

        var url = $"/api/v1/products/{shop[0].Id}/availability?near={Lat},{Lng}&radiusKm=5";
        var items = (await (await Anonymous().GetAsync(url, Ct)).ShouldHave(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("storeId").GetGuid()).ShouldBe([shop.StoreId, near]);
        items[0].GetProperty("available").GetInt64().ShouldBe(3);
        items[0].GetProperty("distanceKm").GetDouble().ShouldBe(0, 0.001);
        items[1].GetProperty("storeName").GetString().ShouldBe("近店");
        items[1].GetProperty("distanceKm").GetDouble().ShouldBe(0.556, 0.01);
    }

    [Fact]
    public async Task Availability_needs_a_point_and_a_sane_radius()
    {
        var shop = await NewShopAsync(products: 1);
        await (await Anonymous().GetAsync($"/api/v1/products/{shop[0].Id}/availability", Ct)).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await Anonymous().GetAsync($"/api/v1/products/{shop[0].Id}/availability?near=91,0", Ct)).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await Anonymous().GetAsync($"/api/v1/products/{shop[0].Id}/availability?near={Lat},{Lng}&radiusKm=51", Ct))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await Anonymous().GetAsync($"/api/v1/products/{Guid.NewGuid()}/availability?near={Lat},{Lng}", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
    }
}

public sealed class StockTests_Sqlite(SqliteApp app) : StockTests(app);

public sealed class StockTests_Postgres(PostgresApp app) : StockTests(app);
