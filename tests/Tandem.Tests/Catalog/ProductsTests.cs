using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Catalog.Contracts;
using Tandem.Kernel;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Merchants;

namespace Tandem.Tests.Catalog;

public abstract class ProductsTests(TandemApp app) : MerchantApiTest(app)
{
    /// <summary>A random valid GTIN-13 with a Chinese prefix (690-699).</summary>
    public static string NewGtin13()
    {
        var body = "69" + Random.Shared.NextInt64(0, 10_000_000_000).ToString("0000000000", System.Globalization.CultureInfo.InvariantCulture);
        return body + Gtin.CheckDigit(body);
    }

    private static string ToGtin8Valid()
    {
        var body = Random.Shared.Next(0, 10_000_000).ToString("0000000", System.Globalization.CultureInfo.InvariantCulture);
        return body + Gtin.CheckDigit(body);
    }

    [Fact]
    public async Task A_manager_adds_a_product_that_anyone_can_read()
    {
        var merchant = await NewMerchantAsync();
        var manager = await NewStaffAsync(merchant, "manager");
        var gtin = NewGtin13();
        var created = await (await manager.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/products", new
        {
            name = " 西湖龙井 明前特级 ",
            nameEn = "West Lake Longjing, pre-Qingming",
            price = new { amount = 26800, currency = "CNY" },
            gtin,
            description = "狮峰山产区。\n250g 罐装。",
            unit = "罐",
        }, Ct)).ShouldHave(HttpStatusCode.Created);
        var productId = created.GetProperty("productId").GetGuid();
        created.GetProperty("merchantId").GetGuid().ShouldBe(merchant.Id);
        created.GetProperty("name").GetString().ShouldBe("西湖龙井 明前特级");
        created.GetProperty("nameEn").GetString().ShouldBe("West Lake Longjing, pre-Qingming");
        created.GetProperty("price").GetProperty("amount").GetInt64().ShouldBe(26800);
        created.GetProperty("price").GetProperty("currency").GetString().ShouldBe("CNY");
        created.GetProperty("gtin").GetString().ShouldBe("0" + gtin);
        created.GetProperty("description").GetString().ShouldBe("狮峰山产区。\n250g 罐装。");
        created.GetProperty("unit").GetString().ShouldBe("罐");

        var read = await (await Anonymous().GetAsync($"/api/v1/products/{productId}", Ct)).ShouldHave(HttpStatusCode.OK);
        read.GetProperty("gtin").GetString().ShouldBe("0" + gtin);
        read.GetProperty("name").GetString().ShouldBe("西湖龙井 明前特级");
    }

    [Fact]
    public async Task A_product_without_optional_fields_omits_them()
    {
        var merchant = await NewMerchantAsync();
        var created = await NewProductAsync(merchant, amount: 0);
        created.GetProperty("price").GetProperty("amount").GetInt64().ShouldBe(0);
        created.TryGetProperty("gtin", out _).ShouldBeFalse();
        created.TryGetProperty("description", out _).ShouldBeFalse();
        created.TryGetProperty("unit", out _).ShouldBeFalse();
        // Products without a GTIN never clash with each other.
        await NewProductAsync(merchant);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public async Task Every_gtin_length_is_stored_as_14_digits(int length)
    {
        var merchant = await NewMerchantAsync();
        var body = string.Concat(Enumerable.Range(0, length - 1).Select(_ => (char)('0' + Random.Shared.Next(10))));
        if (length == 14)
        {
            body = "1" + body[1..];
        }

        var gtin = body + Gtin.CheckDigit(body);
        var created = await NewProductAsync(merchant, gtin: gtin);
        created.GetProperty("gtin").GetString().ShouldBe(gtin.PadLeft(14, '0'));
    }

    [Theory]
    [InlineData("6901234567891")] // wrong check digit (should be 2)
    [InlineData("690123456789")] // GTIN-12 whose check digit is wrong
    [InlineData("12345")]
    [InlineData("690123456789a")]
    [InlineData("069012345678920")]
    public async Task A_gtin_with_a_wrong_length_or_check_digit_is_invalid(string gtin)
    {
        var merchant = await NewMerchantAsync();
        var problem = await (await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/products",
                new { name = "货", price = new { amount = 100, currency = "CNY" }, gtin }, Ct))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "invalid_gtin");
        problem.GetProperty("errors").TryGetProperty("gtin", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task A_gtin_is_unique_per_merchant_whatever_its_written_length()
    {
        var merchant = await NewMerchantAsync();
        var gtin13 = NewGtin13();
        await NewProductAsync(merchant, gtin: gtin13);
        await (await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/products",
                new { name = "同码", price = new { amount = 100, currency = "CNY" }, gtin = "0" + gtin13 }, Ct))
            .ShouldBeProblem(HttpStatusCode.Conflict, "gtin_taken");

        var gtin8 = ToGtin8Valid();
        await NewProductAsync(merchant, gtin: gtin8);
        await (await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/products",
                new { name = "同码", price = new { amount = 100, currency = "CNY" }, gtin = "000000" + gtin8 }, Ct))
            .ShouldBeProblem(HttpStatusCode.Conflict, "gtin_taken");

        // Another merchant may sell the same item.
        var other = await NewMerchantAsync();
        await NewProductAsync(other, gtin: gtin13);
    }

    [Fact]
    public async Task Concurrent_products_with_one_gtin_create_one()
    {
        var merchant = await NewMerchantAsync();
        var gtin = NewGtin13();
        var attempts = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/products",
                new { name = $"抢 {i}", price = new { amount = 100, currency = "CNY" }, gtin = i % 2 == 0 ? gtin : "0" + gtin }, Ct)));
        attempts.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        foreach (var refused in attempts.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await refused.ShouldBeProblem(HttpStatusCode.Conflict, "gtin_taken");
        }
    }

    public static TheoryData<string, string> InvalidProducts => new()
    {
        { """{"price": {"amount": 100, "currency": "CNY"}}""", "name" },
        { """{"name": " ", "price": {"amount": 100, "currency": "CNY"}}""", "name" },
        { """{"name": "货"}""", "price" },
        { """{"name": "货", "price": {"currency": "CNY"}}""", "price.amount" },
        { """{"name": "货", "price": {"amount": -1, "currency": "CNY"}}""", "price.amount" },
        { """{"name": "货", "price": {"amount": 1.5, "currency": "CNY"}}""", "price.amount" },
        { """{"name": "货", "price": {"amount": "100", "currency": "CNY"}}""", "price.amount" },
        { $$"""{"name": "货", "price": {"amount": 1, "currency": "CNY"}, "description": "{{new string('字', 2001)}}"}""", "description" },
        { """{"name": "货", "price": {"amount": 1, "currency": "CNY"}, "description": "bell\u0007"}""", "description" },
        { """{"name": "货", "price": {"amount": 1, "currency": "CNY"}, "unit": "a very long unit name indeed"}""", "unit" },
    };

    [Theory]
    [MemberData(nameof(InvalidProducts))]
    public async Task Invalid_product_fields_are_named(string body, string field)
    {
        var merchant = await NewMerchantAsync();
        var problem = await (await merchant.Owner.Client.PostRawAsync($"/api/v1/merchants/{merchant.Id}/products", body))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
    }

    [Fact]
    public async Task A_price_in_another_currency_is_unsupported()
    {
        var merchant = await NewMerchantAsync();
        await (await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/products",
                new { name = "货", price = new { amount = 100, currency = "USD" } }, Ct))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "unsupported_currency");
    }

    [Fact]
    public async Task A_description_may_have_line_breaks_up_to_2000_characters()
    {
        var merchant = await NewMerchantAsync();
        var description = string.Join('\n', Enumerable.Repeat(new string('茶', 99), 20));
        description.Length.ShouldBe(1999);
        var created = await (await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/products",
                new { name = "货", price = new { amount = 1, currency = "CNY" }, description }, Ct))
            .ShouldHave(HttpStatusCode.Created);
        created.GetProperty("description").GetString().ShouldBe(description);
    }

    [Fact]
    public async Task Staff_may_read_but_not_change_the_catalogue()
    {
        var merchant = await NewMerchantAsync();
        var clerk = await NewStaffAsync(merchant, "staff");
        var productId = (await NewProductAsync(merchant)).GetProperty("productId").GetGuid();
        await (await clerk.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/products", new { name = "货", price = new { amount = 1, currency = "CNY" } }, Ct))
            .ShouldBeProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await clerk.Client.PutAsJsonAsync($"/api/v1/products/{productId}", new { name = "货", price = new { amount = 1, currency = "CNY" } }, Ct))
            .ShouldBeProblem(HttpStatusCode.Forbidden, "forbidden");
        var list = await (await clerk.Client.GetAsync($"/api/v1/merchants/{merchant.Id}/products", Ct)).ShouldHave(HttpStatusCode.OK);
        list.GetProperty("items").GetArrayLength().ShouldBe(1);
        await (await Anonymous().PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/products", new { name = "货", price = new { amount = 1, currency = "CNY" } }, Ct))
            .ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Editing_replaces_the_fields_and_keeps_gtins_unique()
    {
        var merchant = await NewMerchantAsync();
        var manager = await NewStaffAsync(merchant, "manager");
        var taken = NewGtin13();
        await NewProductAsync(merchant, name: "已有", gtin: taken);
        var mine = NewGtin13();
        var productId = (await NewProductAsync(merchant, gtin: mine)).GetProperty("productId").GetGuid();

        var edited = await (await manager.Client.PutAsJsonAsync($"/api/v1/products/{productId}",
                new { name = "西湖龙井 二级", price = new { amount = 9800, currency = "CNY" }, gtin = mine, unit = "250g" }, Ct))
            .ShouldHave(HttpStatusCode.OK);
        edited.GetProperty("name").GetString().ShouldBe("西湖龙井 二级");
        edited.GetProperty("price").GetProperty("amount").GetInt64().ShouldBe(9800);
        edited.GetProperty("gtin").GetString().ShouldBe("0" + mine);
        edited.GetProperty("unit").GetString().ShouldBe("250g");

        await (await manager.Client.PutAsJsonAsync($"/api/v1/products/{productId}",
                new { name = "抢码", price = new { amount = 1, currency = "CNY" }, gtin = taken }, Ct))
            .ShouldBeProblem(HttpStatusCode.Conflict, "gtin_taken");
        await (await manager.Client.PutAsJsonAsync($"/api/v1/products/{productId}",
                new { name = "坏价", price = new { amount = -5, currency = "CNY" } }, Ct))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await manager.Client.PutAsJsonAsync($"/api/v1/products/{Guid.NewGuid()}",
                new { name = "无", price = new { amount = 1, currency = "CNY" } }, Ct))
            .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");

        // PUT replaces: an absent GTIN is removed.
        var cleared = await (await manager.Client.PutAsJsonAsync($"/api/v1/products/{productId}",
                new { name = "散装龙井", price = new { amount = 5000, currency = "CNY" } }, Ct))
            .ShouldHave(HttpStatusCode.OK);
        cleared.TryGetProperty("gtin", out _).ShouldBeFalse();
        var read = await (await Anonymous().GetAsync($"/api/v1/products/{productId}", Ct)).ShouldHave(HttpStatusCode.OK);
        read.GetProperty("name").GetString().ShouldBe("散装龙井");
    }

    [Fact]
    public async Task The_catalogue_list_pages_oldest_first_and_finds_a_scanned_gtin()
    {
        var merchant = await NewMerchantAsync();
        var ids = new List<Guid>();
        var gtin = NewGtin13();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await NewProductAsync(merchant, name: $"货 {i}", gtin: i == 3 ? gtin : null)).GetProperty("productId").GetGuid());
        }

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await (await merchant.Owner.Client.GetAsync(
                $"/api/v1/merchants/{merchant.Id}/products?limit=2{(cursor is null ? "" : "&cursor=" + cursor)}", Ct)).ShouldHave(HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("productId").GetGuid()));
            cursor = page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);

        seen.ShouldBe(ids);

        var scanned = await (await merchant.Owner.Client.GetAsync($"/api/v1/merchants/{merchant.Id}/products?gtin={gtin}", Ct))
            .ShouldHave(HttpStatusCode.OK);
        scanned.GetProperty("items").EnumerateArray().ShouldHaveSingleItem().GetProperty("productId").GetGuid().ShouldBe(ids[3]);

        foreach (var (query, field) in new[] { ("limit=0", "limit"), ("limit=201", "limit"), ("cursor=zz", "cursor"), ("gtin=123", "gtin") })
        {
            var problem = await (await merchant.Owner.Client.GetAsync($"/api/v1/merchants/{merchant.Id}/products?{query}", Ct))
                .ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
            problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue();
        }
    }

    [Fact]
    public async Task The_product_catalog_finds_products_for_other_modules()
    {
        var merchant = await NewMerchantAsync();
        var gtin = NewGtin13();
        var a = (await NewProductAsync(merchant, name: "甲", amount: 300, gtin: gtin)).GetProperty("productId").GetGuid();
        var b = (await NewProductAsync(merchant, name: "乙", amount: 500)).GetProperty("productId").GetGuid();

        await using var scope = App.Services.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<IProductCatalog>();
        var found = await catalog.FindAsync(a, Ct);
        found.ShouldNotBeNull();
        found.Name.ShouldBe("甲");
        found.Price.ShouldBe(Money.Yuan(300));
        found.Gtin.ShouldBe("0" + gtin);
        found.MerchantId.ShouldBe(merchant.Id);

        var many = await catalog.FindManyAsync([a, b, Guid.NewGuid()], Ct);
        many.Keys.ShouldBe([a, b], ignoreOrder: true);

        Gtin.TryParse(gtin, out var scanned).ShouldBeTrue();
        (await catalog.FindByGtinAsync(merchant.Id, scanned!.Value, Ct))!.ProductId.ShouldBe(a);
        (await catalog.FindByGtinAsync(Guid.NewGuid(), scanned.Value, Ct)).ShouldBeNull();
    }
}

public sealed class ProductsTests_Sqlite(SqliteApp app) : ProductsTests(app);

public sealed class ProductsTests_Postgres(PostgresApp app) : ProductsTests(app);
