using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tandem.Tests.Acceptance;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Inventory;

/// <summary><c>POST /merchants/{id}/catalogue/import</c>: every bad row reported and nothing written, or everything in one transaction.</summary>
public abstract class CatalogueImportTests(TandemApp app) : AcceptanceTest(app)
{
    private static object Row(string gtin, string name, long fen, params (Guid StoreId, long OnHand)[] stock) =>
        new { gtin, name, price = Cny(fen), stock = stock.Select(s => new { storeId = s.StoreId, onHand = s.OnHand }) };

    private Task<HttpResponseMessage> ImportAsync(HttpClient client, Guid merchantId, params object[] rows) =>
        client.PostAsJsonAsync($"/api/v1/merchants/{merchantId}/catalogue/import", new { rows }, Ct);

    private async Task<List<JsonElement>> ProductsAsync(Merchant merchant)
    {
        var body = await (await merchant.Owner.Client.GetAsync($"/api/v1/merchants/{merchant.Id}/products?limit=200", Ct)).ShouldHave(HttpStatusCode.OK);
        return body.GetProperty("items").EnumerateArray().ToList();
    }

    [Fact]
    public async Task A_clean_file_creates_and_updates_by_GTIN_and_counts_stock_at_each_store()
    {
        var merchant = await NewMerchantAsync();
        var east = await NewStoreAsync(merchant);
        var west = await NewStoreAsync(merchant, CentreLat + 0.01);
        var existingGtin = NewGtin13();
        var existing = await NewProductAsync(merchant, 500, existingGtin, "旧名字");
        await (await merchant.Owner.Client.PutAsJsonAsync($"/api/v1/products/{existing.Id}",
            new { name = "旧名字", price = Cny(500), gtin = existingGtin, description = "保留的描述", unit = "瓶" }, Ct)).ShouldHave(HttpStatusCode.OK);
        var (tea, milk) = (NewGtin13(), NewGtin13());

        var result = await (await ImportAsync(merchant.Owner.Client, merchant.Id,
            Row(tea, "西湖龙井 250g", 12800, (east.Id, 12), (west.Id, 3)),
            Row(milk, "纯牛奶 1L", 1299, (east.Id, 40)),
            Row(existingGtin, "矿泉水 550ml", 200, (west.Id, 0)))).ShouldHave(HttpStatusCode.OK);

        result.GetProperty("created").GetInt32().ShouldBe(2);
        result.GetProperty("updated").GetInt32().ShouldBe(1);
        result.GetProperty("counts").GetInt32().ShouldBe(4);
        var products = await ProductsAsync(merchant);
        products.Count.ShouldBe(3);
        var byGtin = products.ToDictionary(p => p.GetProperty("gtin").GetString()!);
        var teaId = byGtin["0" + tea].GetProperty("productId").GetGuid();
        byGtin["0" + tea].GetProperty("price").GetProperty("amount").GetInt64().ShouldBe(12800);
        var water = byGtin["0" + existingGtin];
        water.GetProperty("productId").GetGuid().ShouldBe(existing.Id);
        water.GetProperty("name").GetString().ShouldBe("矿泉水 550ml");
        water.GetProperty("price").GetProperty("amount").GetInt64().ShouldBe(200);
        water.GetProperty("description").GetString().ShouldBe("保留的描述", "what the file does not carry is kept");
        water.GetProperty("unit").GetString().ShouldBe("瓶");

        (await StockAsync(merchant.Owner.Client, east.Id, teaId)).ShouldBe(new StockLevel(12, 0, 12));
        (await StockAsync(merchant.Owner.Client, west.Id, teaId)).ShouldBe(new StockLevel(3, 0, 3));
        var movement = (await MovementsAsync(merchant.Owner.Client, east.Id, teaId)).ShouldHaveSingleItem();
        movement.GetProperty("reason").GetString().ShouldBe("count");
        movement.GetProperty("delta").GetInt64().ShouldBe(12);

        // The same file again changes no product count and records counts that move nothing.
        var again = await (await ImportAsync(merchant.Owner.Client, merchant.Id, Row(tea, "西湖龙井 250g", 12800, (east.Id, 12)))).ShouldHave(HttpStatusCode.OK);
        again.GetProperty("created").GetInt32().ShouldBe(0);
        (await ProductsAsync(merchant)).Count.ShouldBe(3);
        (await StockAsync(merchant.Owner.Client, east.Id, teaId)).ShouldBe(new StockLevel(12, 0, 12));
    }

    [Fact]
    public async Task A_file_with_bad_rows_reports_every_one_and_writes_nothing()
    {
        var merchant = await NewMerchantAsync();
        var store = await NewStoreAsync(merchant);
        var other = await NewMerchantAsync();
        var otherStore = await NewStoreAsync(other);
        var existingGtin = NewGtin13();
        var existing = await NewProductAsync(merchant, 500, existingGtin, "不该被改");
        var good = NewGtin13();
        var badCheckDigit = good[..12] + (char)('0' + ((good[12] - '0' + 1) % 10));

        var problem = await (await ImportAsync(merchant.Owner.Client, merchant.Id,
            Row(good, "好的一行", 100, (store.Id, 5)),
            Row(badCheckDigit, "条码错", 100),
            Row(good, "重复条码", 100),
            Row(NewGtin13(), "", 100),
            Row(NewGtin13(), "负价格", -1),
            Row(NewGtin13(), "别家的店", 100, (otherStore.Id, 1)),
            Row(NewGtin13(), "负库存", 100, (store.Id, -3)),
            Row(existingGtin, "改名", 1, (store.Id, 9)))).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");

        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "rows[1].gtin", "rows[2].gtin", "rows[3].name", "rows[4].price.amount", "rows[5].stock[0].storeId", "rows[6].stock[0].onHand" })
        {
            errors.TryGetProperty(field, out _).ShouldBeTrue($"{field} should be reported: {errors}");
        }

        errors.TryGetProperty("rows[0].gtin", out _).ShouldBeFalse();
        errors.TryGetProperty("rows[7].name", out _).ShouldBeFalse();

        var products = await ProductsAsync(merchant);
        products.ShouldHaveSingleItem().GetProperty("name").GetString().ShouldBe("不该被改");
        (await StockAsync(merchant.Owner.Client, store.Id, existing.Id)).ShouldBe(new StockLevel(0, 0, 0));
    }

    [Fact]
    public async Task Only_a_manager_or_the_owner_may_import()
    {
        var shop = await NewShopAsync();
        var response = await ImportAsync(shop.Staff.Client, shop.Merchant.Id, Row(NewGtin13(), "店员不能导入", 100));
        await response.ShouldBeProblem(HttpStatusCode.Forbidden, "forbidden");
        (await ProductsAsync(shop.Merchant)).Count.ShouldBe(1);
        await (await ImportAsync(shop.Owner.Client, shop.Merchant.Id)).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Concurrent_imports_of_overlapping_files_never_duplicate_a_GTIN()
    {
        var merchant = await NewMerchantAsync();
        var store = await NewStoreAsync(merchant);
        var gtins = Enumerable.Range(0, 12).Select(_ => NewGtin13()).ToList();

        // Eight files, each a different overlapping window of the same GTINs, sent at once.
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            ImportAsync(merchant.Owner.Client, merchant.Id,
                gtins.Skip(i).Take(5).Select(g => Row(g, $"商品 {g}", 100 + i, (store.Id, i))).ToArray())));

        foreach (var response in responses)
        {
            await response.ShouldHave(HttpStatusCode.OK);
        }

        var products = await ProductsAsync(merchant);
        products.Count.ShouldBe(12);
        products.Select(p => p.GetProperty("gtin").GetString()).Distinct().Count().ShouldBe(12);
    }
}

public sealed class CatalogueImportTests_Sqlite(SqliteApp app) : CatalogueImportTests(app);

public sealed class CatalogueImportTests_Postgres(PostgresApp app) : CatalogueImportTests(app);
